/// A campaign's `on_uncertain` setting.
public enum UncertainPolicy: String, Sendable, Hashable, Codable {
    /// Record them as `skipped(inDoubt)`: nobody gets a message twice (the default).
    case skip
    /// Queue them again: nobody misses a message, some may get it twice.
    case resend
}
