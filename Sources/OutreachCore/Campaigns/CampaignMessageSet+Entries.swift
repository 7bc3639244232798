extension CampaignMessageSet {
    /// A segment of an occurrence: its name and how many members it is responsible for.
    public struct SegmentMembers: Sendable {
        public var name: String
        public var recipients: Int

        public init(name: String, recipients: Int) {
            self.name = name
            self.recipients = recipients
        }
    }

    /// The set the ledger entries made for one occurrence describe (`send --now` records the occurrence
    /// before sending it): queued entries are its messages, skipped ones its problems, per segment.
    public init(campaign: String, occurrence: String, excluded: Int, segments: [SegmentMembers], entries: [LedgerEntry]) {
        self.init(campaign: campaign, occurrence: occurrence, excluded: excluded)
        var counts = segments.map { SegmentCount(name: $0.name, recipients: $0.recipients) }
        let index = Dictionary(counts.indices.map { (counts[$0].name, $0) }, uniquingKeysWith: { a, _ in a })
        var unreachable = Array(repeating: Tally(), count: counts.count)
        var failures = Array(repeating: Tally(), count: counts.count)
        for entry in entries {
            guard let s = entry.segment.flatMap({ index[$0] }) else { continue }
            let id = entry.recipientID
            let segment = counts[s].name
            switch entry.skipReason {
            case .optedOut:
                counts[s].optedOut += 1
                problems.append(RecipientProblem(recipientID: id, segment: segment, kind: .optedOut, reason: "on the suppression list"))
            case .holdout:
                counts[s].heldOut += 1
                problems.append(RecipientProblem(recipientID: id, segment: segment, kind: .heldOut, reason: "held out: the campaign's control group"))
            case .duplicateAddress:
                counts[s].duplicateAddresses += 1
                problems.append(RecipientProblem(recipientID: id, segment: segment, kind: .duplicateAddress,
                                                 reason: "another recipient already gets a message at this address"))
            case .unreachable:
                let reason = entry.lastDetail ?? "no usable address"
                unreachable[s].add(reason, id: id)
                problems.append(RecipientProblem(recipientID: id, segment: segment, kind: .unreachable, reason: reason))
            case .renderFailed:
                let reason = entry.lastDetail ?? "render failed"
                failures[s].add(reason, id: id)
                problems.append(RecipientProblem(recipientID: id, segment: segment, kind: .renderFailure, reason: reason))
            default:
                guard let message = entry.outboundMessage else { continue }
                messages.append(message)
                counts[s].ready += 1
                counts[s].byChannel[entry.channel.rawValue, default: 0] += 1
                if entry.channel == .sms { counts[s].parts += entry.parts }
            }
        }
        for s in counts.indices {
            counts[s].unreachable = unreachable[s].counts
            counts[s].renderFailures = failures[s].counts
        }
        self.segments = counts
    }
}
