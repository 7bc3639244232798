/// Why a targeted recipient was not sent a message. A skipped entry is a
/// recorded outcome, not a lost one: reports count every reason.
public enum SkipReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// The address is on the suppression list (at materialisation or at send time).
    case optedOut = "opted_out"
    /// The frequency cap for this person was reached.
    case capped
    /// No usable phone or email on any of the campaign's channels.
    case unreachable
    /// The template could not be rendered for this person.
    case renderFailed = "render_failed"
    /// Quiet hours pushed the send past the campaign's end or window.
    case quietHoursOverflow = "quiet_hours_overflow"
    /// The campaign was cancelled before this message left.
    case cancelled
    /// A relative send whose time had passed by more than `late_within`.
    case tooLate = "too_late"
    /// Was in flight at a crash; the campaign's `on_uncertain: skip` settled it.
    case inDoubt = "in_doubt"
    /// The same address already gets this occurrence (two records, one phone).
    case duplicateAddress = "duplicate_address"
    /// In the campaign's held-out control group (`holdout:`): deliberately not messaged, so outcomes can be
    /// compared with the people who were.
    case holdout

    /// A short phrase for reports.
    public var label: String {
        switch self {
        case .optedOut: "opted out"
        case .capped: "frequency cap reached"
        case .unreachable: "no usable address"
        case .renderFailed: "render failed"
        case .quietHoursOverflow: "quiet hours overflow"
        case .cancelled: "campaign cancelled"
        case .tooLate: "too late"
        case .inDoubt: "in doubt after a crash"
        case .duplicateAddress: "duplicate address"
        case .holdout: "held out (control group)"
        }
    }
}
