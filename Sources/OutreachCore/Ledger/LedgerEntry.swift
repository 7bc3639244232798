public import Foundation

/// One targeted recipient of one occurrence of one campaign: the ledger's row.
///
/// Unique by (campaign, occurrence, recipient): materialising the same
/// occurrence twice adds nothing, so the same message can never be queued
/// twice. `messageID` is derived from those three (see `messageID(campaign:
/// occurrence:recipient:)`), so it is the same on every run and after a crash.
public struct LedgerEntry: Sendable, Hashable, Codable {
    public var campaign: String
    /// The occurrence key the scheduler chose (e.g. its UTC due time, or
    /// `-7d@2027-03-01` for a relative send); opaque to the ledger.
    public var occurrence: String
    /// The campaign segment the person fell in, for per-segment reports.
    public var segment: String?
    /// The template of the variant the person was assigned (`variants:`), also on a held-out person's
    /// entry (the one they would have had); nil when the segment has no variants.
    public var variant: String? = nil
    /// The population id.
    public var recipientID: String
    public var messageID: String
    /// E.164 phone for SMS, email address for email; empty when unreachable.
    public var address: String
    public var channel: Channel
    /// SMS parts (1 for email), for cost reports.
    public var parts: Int
    public var state: LedgerState
    /// Set when `state` is `skipped`.
    public var skipReason: SkipReason?
    public var attempts: Int
    public var providerMessageID: String?
    /// The gateway's last answer or why it was skipped, shortened, never a secret.
    public var lastDetail: String?
    /// When it should leave (the dispatcher claims it at or after this time).
    public var dueAt: Date
    public var queuedAt: Date
    /// When it was (last) marked `sending`: the time frequency caps count from.
    public var sentAt: Date?
    /// When the gateway's outcome or a delivery report was recorded.
    public var finishedAt: Date?
    /// What to send, rendered at materialisation (membership and data as of
    /// that moment). Optional so a scheduler may render at claim time instead.
    public var payload: Payload?
    /// The recipient's quiet hours after `dueAt`: while they last the entry
    /// is not claimed (nil: it may leave at any hour, as an urgent one does).
    /// Written when materialised; entries read back from a store leave it nil.
    public var quiet: QuietPeriod? = nil
    /// Which key made `messageID` (set when it is derived here): lets a store refuse an entry made with
    /// another key without hashing again. Not part of the entry's value (see `MessageIDOrigin`).
    public var idOrigin: MessageIDOrigin = .unknown

    /// The rendered message as it will leave.
    public struct Payload: Sendable, Hashable, Codable {
        public var sender: String?
        public var subject: String?
        public var text: String
        public var html: String?
        public var language: String?

        public init(sender: String? = nil, subject: String? = nil, text: String, html: String? = nil, language: String? = nil) {
            self.sender = sender
            self.subject = subject
            self.text = text
            self.html = html
            self.language = language
        }
    }

    /// A new entry; `messageID` is derived from campaign, occurrence and recipient with the ledger's `key`
    /// (`personKey`: the recipient's under that key, when the caller has it already).
    public init(campaign: String, occurrence: String, recipientID: String, segment: String? = nil,
                address: String, channel: Channel, parts: Int = 1, dueAt: Date, queuedAt: Date? = nil,
                state: LedgerState = .queued, skipReason: SkipReason? = nil, detail: String? = nil,
                payload: Payload? = nil, variant: String? = nil, personKey: UInt64? = nil, key: MessageIDKey) {
        self.init(messageID: Self.messageID(personKey: personKey ?? Self.personKey(recipient: recipientID, key: key),
                                            campaign: campaign, occurrence: occurrence, recipient: recipientID, key: key),
                  campaign: campaign, occurrence: occurrence, recipientID: recipientID, segment: segment,
                  address: address, channel: channel, parts: parts, state: state, skipReason: skipReason,
                  attempts: 0, providerMessageID: nil, lastDetail: detail, dueAt: dueAt, queuedAt: queuedAt ?? dueAt,
                  sentAt: nil, finishedAt: nil, payload: payload)
        self.variant = variant
        idOrigin = MessageIDOrigin(keyFingerprint: key.fingerprint)
    }

    /// Every field as stored: for a store reading an entry back (the id is
    /// taken as given, not derived again).
    public init(messageID: String, campaign: String, occurrence: String, recipientID: String, segment: String?,
                address: String, channel: Channel, parts: Int, state: LedgerState, skipReason: SkipReason?,
                attempts: Int, providerMessageID: String?, lastDetail: String?, dueAt: Date, queuedAt: Date,
                sentAt: Date?, finishedAt: Date?, payload: Payload?) {
        self.campaign = campaign
        self.occurrence = occurrence
        self.segment = segment
        self.recipientID = recipientID
        self.messageID = messageID
        self.address = address
        self.channel = channel
        self.parts = parts
        self.state = state
        self.skipReason = skipReason
        self.attempts = attempts
        self.providerMessageID = providerMessageID
        self.lastDetail = lastDetail
        self.dueAt = dueAt
        self.queuedAt = queuedAt
        self.sentAt = sentAt
        self.finishedAt = finishedAt
        self.payload = payload
    }

    /// A recipient who is targeted but will not be sent anything (unreachable,
    /// render failure, …): recorded as `skipped` from the start.
    public static func skipped(campaign: String, occurrence: String, recipientID: String, segment: String? = nil,
                               address: String = "", channel: Channel, reason: SkipReason, detail: String? = nil,
                               dueAt: Date, queuedAt: Date? = nil, variant: String? = nil, personKey: UInt64? = nil,
                               key: MessageIDKey) -> LedgerEntry {
        LedgerEntry(campaign: campaign, occurrence: occurrence, recipientID: recipientID, segment: segment,
                    address: address, channel: channel, parts: 0, dueAt: dueAt, queuedAt: queuedAt,
                    state: .skipped, skipReason: reason, detail: detail, variant: variant, personKey: personKey, key: key)
    }

    /// `m` and 32 lower-case hex digits: 64 bits of the recipient's person
    /// key (see `personKey(recipient:key:)`), then 64 bits of the ledger's
    /// keyed digest (`MessageIDKey`: HMAC-SHA256 for a new ledger) over
    /// campaign, occurrence and recipient joined by NUL. Short enough for
    /// providers' client-reference fields, the same on every run; without
    /// the key, no clue to whose it is. There is no default key: every caller
    /// says which ledger's ids it makes (`MessageIDKey.none` only for ledgers
    /// from before keys).
    ///
    /// Person first, so that a person's messages sit together in the
    /// ledger's message-id index (the frequency cap reads them by prefix)
    /// and a materialiser that goes through recipients in person-key order
    /// writes that index in order instead of at a random page per message.
    public static func messageID(campaign: String, occurrence: String, recipient: String, key: MessageIDKey) -> String {
        messageID(personKey: personKey(recipient: recipient, key: key), campaign: campaign, occurrence: occurrence,
                  recipient: recipient, key: key)
    }

    /// The same id, with the recipient's person key already computed.
    public static func messageID(personKey: UInt64, campaign: String, occurrence: String, recipient: String,
                                 key: MessageIDKey) -> String {
        var digest = key.startDigest()
        digest.update(campaign.utf8)
        digest.update(CollectionOfOne(0))
        digest.update(occurrence.utf8)
        digest.update(CollectionOfOne(0))
        digest.update(recipient.utf8)
        let own = digest.first64Bits()
        return String(unsafeUninitializedCapacity: 33) { out in
            out[0] = UInt8(ascii: "m")
            hex(personKey, into: out, at: 1)
            hex(own, into: out, at: 17)
            return 33
        }
    }

    /// 64 bits of the ledger's keyed digest of `p`, NUL and the recipient
    /// id: the order the ledger keeps a person's messages in (`messageID`'s
    /// first 16 hex digits, so ids sort as their person keys do).
    public static func personKey(recipient: String, key: MessageIDKey) -> UInt64 {
        var digest = key.startDigest()
        digest.update(CollectionOfOne(UInt8(ascii: "p")))
        digest.update(CollectionOfOne(0))
        digest.update(recipient.utf8)
        return digest.first64Bits()
    }

    /// The message-id prefix every message to this recipient starts with.
    public static func messageIDPrefix(recipient: String, key: MessageIDKey) -> String {
        String(unsafeUninitializedCapacity: 17) { out in
            out[0] = UInt8(ascii: "m")
            hex(personKey(recipient: recipient, key: key), into: out, at: 1)
            return 17
        }
    }

    private static func hex(_ value: UInt64, into out: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        let digits: StaticString = "0123456789abcdef"
        digits.withUTF8Buffer { digits in
            for i in 0..<16 {
                out[offset + i] = digits[Int((value >> UInt64(60 - 4 * i)) & 0xF)]
            }
        }
    }

    /// The message the dispatcher sends, or nil when no payload was stored.
    public var outboundMessage: OutboundMessage? {
        guard let payload else { return nil }
        return OutboundMessage(id: messageID, channel: channel, recipientID: recipientID, to: address,
                               sender: payload.sender, subject: payload.subject, text: payload.text,
                               html: payload.html, language: payload.language)
    }
}
