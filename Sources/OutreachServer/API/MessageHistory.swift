public import Foundation
public import OutreachCore

/// `GET /api/v1/people/{id}/messages` and `GET /api/v1/messages?phone=…`: what was sent to a person, for a
/// support desk answering "did you send me this?". Message texts are not included.
public struct MessageHistory: Sendable, Codable {
    /// The population id looked up (by-person lookups).
    public var personId: String?
    /// The normalised address looked up (by-phone or by-email lookups).
    public var address: String?
    /// Whether that address is on the suppression list now (by-address lookups).
    public var optedOut: Bool?
    public var messages: [Message]
    /// More messages exist than `limit` allowed.
    public var truncated: Bool

    /// One message sent to the person: its campaign, occurrence, address and ledger state, without its text.
    public struct Message: Sendable, Codable, Equatable {
        public var messageId: String
        /// The gateway's own id for it, once it answered.
        public var providerMessageId: String?
        public var campaign: String
        /// The occurrence key (`#1`, `-7d@2027-03-01`, `now@2026-12-07`, `test@…` for a test send).
        public var occurrence: String
        public var segment: String?
        public var channel: Channel
        public var address: String
        public var state: LedgerState
        /// Why it was not sent (`opted_out`, `capped`, …), when skipped.
        public var skipReason: SkipReason?
        /// In words: why it was skipped, or the gateway's last answer (a failure's reason).
        public var reason: String?
        public var attempts: Int
        public var dueAt: Date
        public var queuedAt: Date
        /// When it was handed to the gateway.
        public var sentAt: Date?
        /// When the gateway's outcome or the delivery report was recorded.
        public var finishedAt: Date?
        /// A `send --test` to staff (in no report figure).
        public var test: Bool

        public init(_ entry: LedgerEntry) {
            messageId = entry.messageID
            providerMessageId = entry.providerMessageID
            campaign = entry.campaign
            occurrence = entry.occurrence
            segment = entry.segment
            channel = entry.channel
            address = entry.address
            state = entry.state
            skipReason = entry.state == .skipped ? entry.skipReason : nil
            reason = entry.state == .skipped ? (entry.lastDetail ?? entry.skipReason?.label) : entry.lastDetail
            attempts = entry.attempts
            dueAt = entry.dueAt
            queuedAt = entry.queuedAt
            sentAt = entry.sentAt
            finishedAt = entry.finishedAt
            test = TestOccurrence.isTest(entry.occurrence)
        }
    }

    public init(personId: String? = nil, address: String? = nil, optedOut: Bool? = nil, entries: [LedgerEntry], limit: Int) {
        self.personId = personId
        self.address = address
        self.optedOut = optedOut
        messages = entries.prefix(limit).map(Message.init)
        truncated = entries.count > limit
    }
}
