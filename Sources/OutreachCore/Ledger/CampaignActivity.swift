public import Foundation

/// When a campaign's messages left and how fast, why the failed ones
/// failed, and how many people opted out while it ran: what a report adds
/// to the per-state counts.
public struct CampaignActivity: Sendable, Hashable, Codable {
    /// First and last time a message was handed to a gateway.
    public var firstSent: Date?
    public var lastSent: Date?
    /// Messages that may have left: handed to a gateway and not refused by it (failed ones are not counted).
    public var sent: Int
    /// The most common gateway answers of failed messages.
    public var failureReasons: [ReasonCount]
    /// Opt-outs recorded since the campaign was launched (all campaigns' people).
    public var optOutsSinceLaunch: Int
    /// Seconds spent sending: for each occurrence, its first to its last
    /// send, summed (the week between two weekly sends is not sending time).
    public var sendingSeconds: Double

    /// How many failed messages share one gateway answer.
    public struct ReasonCount: Sendable, Hashable, Codable {
        public var reason: String
        public var count: Int
        public init(reason: String, count: Int) {
            self.reason = reason
            self.count = count
        }
    }

    public init(firstSent: Date? = nil, lastSent: Date? = nil, sent: Int = 0, failureReasons: [ReasonCount] = [],
                optOutsSinceLaunch: Int = 0, sendingSeconds: Double = 0) {
        self.firstSent = firstSent
        self.lastSent = lastSent
        self.sent = sent
        self.failureReasons = failureReasons
        self.optOutsSinceLaunch = optOutsSinceLaunch
        self.sendingSeconds = sendingSeconds
    }

    /// Messages per second while sending (see `sendingSeconds`).
    public var achievedRate: Double? {
        guard sent > 1, sendingSeconds > 0 else { return nil }
        return Double(sent) / sendingSeconds
    }
}

/// The report queries a ledger answers.
public protocol LedgerReporting: Sendable {
    func activity(campaign: String, launchedAt: Date?) async throws -> CampaignActivity
}
