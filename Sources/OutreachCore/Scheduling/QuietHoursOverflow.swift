/// A campaign's `quiet_hours_overflow` setting: what becomes of its messages
/// still queued when their recipients' quiet hours begin.
public enum QuietHoursOverflow: String, Sendable, Hashable, Codable {
    /// They wait and leave when the quiet hours end (the default).
    case hold
    /// They are recorded as `skipped(quiet_hours_overflow)`: a message whose
    /// moment has passed by the morning ("the vaccination is tomorrow at 9")
    /// is better not sent late.
    case skip
}
