public import Foundation
public import OutreachCore

/// Makes the ledger entry of one recipient's send in an occurrence: the
/// message composed as preview composes it, or a skipped entry saying why
/// there is none. The scheduler materialises these for due sends and
/// `send --now` for the occurrence it sends, so both record the same thing.
public struct OccurrenceEntries: Sendable {
    public let campaign: CampaignDefinition
    /// The ledger's key (`LedgerStore.messageIDKey`), for ids and person keys.
    public let key: MessageIDKey

    public init(campaign: CampaignDefinition, key: MessageIDKey) {
        self.campaign = campaign
        self.key = key
    }

    /// The channel a skipped entry without one is recorded under.
    var fallbackChannel: Channel { campaign.channels.first ?? .sms }

    /// The entry of `record` (a member of `segment`) in `occurrence`, due at `dueAt` and made at `now`.
    public func entry(_ record: PopulationRecord, segment: String, occurrence: String, dueAt: Date, now: Date,
                      personKey: UInt64, composing: inout OccurrenceComposer) -> LedgerEntry {
        let campaign = self.campaign.name
        let decision = composing.decide(record, segment: segment, occurrence: occurrence)
        var entry = entry(decision.composition, record: record, segment: segment, occurrence: occurrence, dueAt: dueAt, now: now,
                          personKey: personKey)
        entry.variant = decision.variant
        return entry
    }

    private func entry(_ composition: RecipientComposer.Composition, record: PopulationRecord, segment: String, occurrence: String,
                       dueAt: Date, now: Date, personKey: UInt64) -> LedgerEntry {
        let campaign = self.campaign.name
        switch composition {
        case .optedOut(let channel, let address):
            return .skipped(campaign: campaign, occurrence: occurrence, recipientID: record.id, segment: segment,
                            address: address, channel: channel, reason: .optedOut, detail: "on the suppression list",
                            dueAt: dueAt, queuedAt: now, personKey: personKey, key: key)
        case .heldOut(let channel, let address):
            // Due when the message would have been: outcomes of the control group count from that time.
            return .skipped(campaign: campaign, occurrence: occurrence, recipientID: record.id, segment: segment,
                            address: address, channel: channel, reason: .holdout, detail: "held out: the campaign's control group",
                            dueAt: dueAt, queuedAt: now, personKey: personKey, key: key)
        case .duplicateAddress(let channel, let address):
            return .skipped(campaign: campaign, occurrence: occurrence, recipientID: record.id, segment: segment,
                            address: address, channel: channel, reason: .duplicateAddress,
                            detail: "another recipient of this occurrence gets a message at this address",
                            dueAt: dueAt, queuedAt: now, personKey: personKey, key: key)
        case .unreachable(let reason):
            return .skipped(campaign: campaign, occurrence: occurrence, recipientID: record.id, segment: segment,
                            channel: fallbackChannel, reason: .unreachable, detail: reason, dueAt: dueAt, queuedAt: now,
                            personKey: personKey, key: key)
        case .renderFailed(let reason):
            return .skipped(campaign: campaign, occurrence: occurrence, recipientID: record.id, segment: segment,
                            channel: fallbackChannel, reason: .renderFailed, detail: reason, dueAt: dueAt, queuedAt: now,
                            personKey: personKey, key: key)
        case .message(let channel, let address, let rendered, let parts):
            let payload = LedgerEntry.Payload(sender: RecipientComposer.sender(self.campaign.sender, channel: channel),
                                              subject: rendered.subject, text: rendered.text, html: rendered.html,
                                              language: rendered.language)
            return LedgerEntry(campaign: campaign, occurrence: occurrence, recipientID: record.id, segment: segment,
                               address: address, channel: channel, parts: parts, dueAt: dueAt, queuedAt: now,
                               payload: payload, personKey: personKey, key: key)
        }
    }

    /// The entry of a send found more than its lateness overdue: skipped as too late.
    public func tooLate(_ record: PopulationRecord, segment: String, occurrence: String, dueAt: Date, dueLocal: String,
                        now: Date, personKey: UInt64) -> LedgerEntry {
        let hours = Int(now.timeIntervalSince(dueAt) / 3600)
        return .skipped(campaign: campaign.name, occurrence: occurrence, recipientID: record.id, segment: segment,
                        channel: fallbackChannel, reason: .tooLate,
                        detail: "was due \(dueLocal), \(hours)h before the scheduler reached it",
                        dueAt: dueAt, queuedAt: now, personKey: personKey, key: key)
    }
}

extension OccurrenceEntries {
    /// The recipient id of a test send: the sample's id and the staff address it went to (never a real
    /// recipient's id, so no real person's frequency cap counts it).
    public static func testRecipient(sample: String, address: String) -> String { "test:\(sample)>\(address)" }

    /// `sample`'s message (an entry `entry` made) sent instead to a staff `address` in the test
    /// occurrence `occurrence`; nil when the sample has no message.
    public func test(_ sample: LedgerEntry, to address: String, occurrence: String, now: Date) -> LedgerEntry? {
        guard sample.state == .queued, let payload = sample.payload else { return nil }
        let recipient = Self.testRecipient(sample: sample.recipientID, address: address)
        return LedgerEntry(campaign: campaign.name, occurrence: occurrence, recipientID: recipient, segment: sample.segment,
                           address: address, channel: sample.channel, parts: sample.parts, dueAt: now, queuedAt: now,
                           payload: payload, variant: sample.variant, personKey: LedgerEntry.personKey(recipient: recipient, key: key), key: key)
    }
}
