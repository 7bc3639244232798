public import Foundation

/// When a campaign's messages left and how fast, why the failed ones
/// failed, and how many people opted out while it ran: what a report adds
/// to the per-state counts.
public struct CampaignActivity: Sendable, Hashable, Codable {
    /// First and last time a message was handed to a gateway.
    public var firstSent: Date?
    public var lastSent: Date?
    /// Messages handed to a gateway (every state past `sending`).
    public var sent: Int
    /// The most common gateway answers of failed messages.
    public var failureReasons: [ReasonCount]
    /// Opt-outs recorded since the campaign was launched (all campaigns' people).
    public var optOutsSinceLaunch: Int

    public struct ReasonCount: Sendable, Hashable, Codable {
        public var reason: String
        public var count: Int
        public init(reason: String, count: Int) {
            self.reason = reason
            self.count = count
        }
    }

    public init(firstSent: Date? = nil, lastSent: Date? = nil, sent: Int = 0, failureReasons: [ReasonCount] = [],
                optOutsSinceLaunch: Int = 0) {
        self.firstSent = firstSent
        self.lastSent = lastSent
        self.sent = sent
        self.failureReasons = failureReasons
        self.optOutsSinceLaunch = optOutsSinceLaunch
    }

    /// Messages per second between the first and the last send.
    public var achievedRate: Double? {
        guard let firstSent, let lastSent, sent > 1 else { return nil }
        let seconds = lastSent.timeIntervalSince(firstSent)
        return seconds > 0 ? Double(sent) / seconds : nil
    }
}

/// The report queries a ledger answers.
public protocol LedgerReporting: Sendable {
    func activity(campaign: String, launchedAt: Date?) async throws -> CampaignActivity
}
