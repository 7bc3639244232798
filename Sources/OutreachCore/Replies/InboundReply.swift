public import Foundation

/// A message a person sent back (an SMS through Kannel's `sms-service` or
/// Twilio's inbound webhook), as the ledger keeps it.
public struct InboundReply: Sendable, Hashable {
    public var receivedAt: Date
    /// Normalised like the ledger's addresses, so it finds what was sent to that person.
    public var from: ContactAddress
    public var text: String
    /// The gateway (or webhook) it came through.
    public var gateway: String

    public init(receivedAt: Date, from: ContactAddress, text: String, gateway: String) {
        self.receivedAt = receivedAt
        self.from = from
        self.text = text
        self.gateway = gateway
    }
}

/// What recording a reply did.
public enum ReplyOutcome: String, Sendable, Hashable, Codable {
    /// A STOP word: the address is on the suppression list.
    case optedOut = "opted_out"
    /// A START word: the address's opt-out was removed.
    case optedIn = "opted_in"
    /// Anything else (or START from someone not opted out): kept for the officer to read.
    case stored
}

/// A recorded reply and the sent message it answers (the last one sent to
/// that address), when there is one.
public struct RecordedReply: Sendable, Hashable {
    public var id: Int64
    public var outcome: ReplyOutcome
    public var campaign: String?
    public var occurrence: String?
    public var messageID: String?

    public init(id: Int64, outcome: ReplyOutcome, campaign: String?, occurrence: String?, messageID: String?) {
        self.id = id
        self.outcome = outcome
        self.campaign = campaign
        self.occurrence = occurrence
        self.messageID = messageID
    }
}

/// Replies to one campaign (in a report): how many, and how many of them opted out or back in.
public struct ReplyCounts: Sendable, Hashable, Codable {
    public var replies = 0
    public var optOuts = 0
    public var optIns = 0
    /// Opt-outs through an email's unsubscribe link (not replies, but the same question: who asked to stop).
    public var unsubscribes = 0

    public init(replies: Int = 0, optOuts: Int = 0, optIns: Int = 0, unsubscribes: Int = 0) {
        self.replies = replies
        self.optOuts = optOuts
        self.optIns = optIns
        self.unsubscribes = unsubscribes
    }
}

/// `replies:` in outreach.yaml: the words a reply is matched against, and
/// the confirmation sent back after a STOP (none when unset).
public struct ReplySettings: Sendable, Hashable {
    public var words: StopWords
    public var stopConfirmation: String?
    public var startConfirmation: String?

    public init(words: StopWords = StopWords(), stopConfirmation: String? = nil, startConfirmation: String? = nil) {
        self.words = words
        self.stopConfirmation = stopConfirmation
        self.startConfirmation = startConfirmation
    }
}
