/// At most `messages` per person per `days` days, across all campaigns
/// (`frequency_cap: {messages: 2, per: 7d}` in outreach.yaml; a campaign may
/// set its own or `frequency_cap: none`). A send over the cap is recorded as
/// skipped(capped), never silently dropped.
public struct FrequencyCap: Sendable, Hashable, Codable, CustomStringConvertible {
    public var messages: Int
    public var days: Int

    public init(messages: Int, days: Int) {
        self.messages = messages
        self.days = days
    }

    /// Whether one more message is allowed for someone who already received
    /// `recent` messages in the last `days` days.
    public func allowsAnother(after recent: Int) -> Bool { recent < messages }

    public var description: String { "\(messages) per \(days)d" }
}

/// What the scheduler does with messages that were in flight when the
/// process died (the gateway may or may not have taken them).
public enum UncertainPolicy: String, Sendable, Hashable, Codable {
    /// Leave them `uncertain` in the report: a duplicate is worse than a gap.
    case skip
    /// Queue them again: a gap is worse than a duplicate.
    case resend
}
