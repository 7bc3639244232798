/// At most `maxMessages` to one person per `periodSeconds`, across all
/// campaigns (e.g. 2 per 7 days). Messages that may have reached the person
/// (`sending`, `accepted`, `delivered`, `uncertain`) count; a send over the
/// cap is recorded as `skipped(capped)`, not lost.
public struct FrequencyCap: Sendable, Hashable, Codable {
    public var maxMessages: Int
    public var periodSeconds: Double

    public init(maxMessages: Int, periodSeconds: Double) {
        self.maxMessages = maxMessages
        self.periodSeconds = periodSeconds
    }

    public init(maxMessages: Int, days: Int) {
        self.init(maxMessages: maxMessages, periodSeconds: Double(days) * 86_400)
    }
}
