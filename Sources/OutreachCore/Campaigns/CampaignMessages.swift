/// The messages of one occurrence of a campaign: each recipient's rendered,
/// addressed `OutboundMessage`, or the reason they get none (no usable
/// address on any of the campaign's channels, or a template that cannot be
/// rendered for them). Pure: everything it needs is passed in.
///
/// Segments come from `CampaignSegmentation` (the same people `preview` and
/// `plan` count). Channel fallback: a recipient gets the first channel in
/// `campaign.channels` that their segment has a template for and they have a
/// valid address on. With an `idKey` (what is really sent) message ids are
/// the ledger's kind (`LedgerEntry.messageID`, hashed with the key: nothing in
/// them tells whose they are); without one (a dry run) they read
/// `campaign/occurrence/recipient`. Either way the same occurrence always
/// gives the same ids.
/// A campaign with `smart_encoding` gets its SMS texts smart-encoded here,
/// so the parts counted are the parts sent.
public struct CampaignMessages: Sendable {
    public var catalog: AudienceCatalog
    /// Per segment name, the template for each channel the segment can use.
    public var templates: [String: [Channel: CompiledTemplate]]
    /// Field holding each channel's address (e.g. sms → mobile).
    public var contactFields: [Channel: String]
    public var today: Day
    /// Identifies the occurrence in message ids (`2026-11-29`, `2027-08-20T17:00`).
    public var occurrence: String
    /// The key message ids are hashed with (the project ledger's); nil: readable ids.
    public var idKey: MessageIDKey?
    /// Who gets nothing (the project's suppression list).
    public var suppression: Suppression = .none
    /// Per segment with variants, each variant's templates by channel (`RecipientComposer.variantTemplates`).
    public var variantTemplates: [String: [[Channel: CompiledTemplate]]] = [:]
    /// The ledger's key, which variants and holdouts are drawn with.
    public var assignmentKey: MessageIDKey?

    public init(catalog: AudienceCatalog, templates: [String: [Channel: CompiledTemplate]],
                contactFields: [Channel: String], today: Day, occurrence: String) {
        self.catalog = catalog
        self.templates = templates
        self.contactFields = contactFields
        self.today = today
        self.occurrence = occurrence
    }

    /// The id of one recipient's message in one occurrence: the ledger's kind under `key`, or readable
    /// (`campaign/occurrence/recipient`) when `key` is nil (a dry run, which no ledger records).
    public static func messageID(campaign: String, occurrence: String, recipient: String, key: MessageIDKey?) -> String {
        guard let key else { return "\(campaign)/\(occurrence)/\(recipient)" }
        return LedgerEntry.messageID(campaign: campaign, occurrence: occurrence, recipient: recipient, key: key)
    }

    public func build(_ campaign: CampaignDefinition, population: Population) throws(OutreachError) -> CampaignMessageSet {
        let segmentation = try CampaignSegmentation(campaign, catalog: catalog, population: population, today: today)
        var set = CampaignMessageSet(campaign: campaign.name, occurrence: occurrence, excluded: segmentation.excluded)
        var composer = OccurrenceComposer(RecipientComposer(campaign: campaign, templates: templates, contactFields: contactFields,
                                                            suppression: suppression, variantTemplates: variantTemplates,
                                                            assignmentKey: assignmentKey))
        for part in segmentation.parts {
            let segment = part.segment
            let available = templates[segment.name] ?? [:]
            let channels = campaign.channels.filter { available[$0] != nil }
            guard !channels.isEmpty else {
                let have = available.keys.map(\.rawValue).sorted()
                throw CampaignSourceMap.error(.invalidValue,
                                              "segment '\(segment.name)' of campaign '\(campaign.name)' has no template for its channel\(campaign.channels.count == 1 ? "" : "s") \(campaign.channels.map(\.rawValue).joined(separator: ", "))",
                                              at: campaign.sources.templates[segment.template], file: campaign.file,
                                              hint: have.isEmpty ? "give the segment a template" : "its template '\(segment.template)' is for \(have.joined(separator: ", "))")
            }
            var counts = CampaignMessageSet.SegmentCount(name: segment.name, recipients: part.members.count)
            var unreachable = Tally()
            var failures = Tally()

            for row in part.members.rows {
                let record = population.record(row)
                let id = record.id
                switch composer.compose(record, segment: segment.name, occurrence: occurrence) {
                case .optedOut:
                    counts.optedOut += 1
                    set.problems.append(RecipientProblem(recipientID: id, segment: segment.name, kind: .optedOut,
                                                         reason: "on the suppression list"))
                case .heldOut:
                    counts.heldOut += 1
                    set.problems.append(RecipientProblem(recipientID: id, segment: segment.name, kind: .heldOut,
                                                         reason: "held out: the campaign's control group"))
                case .duplicateAddress:
                    counts.duplicateAddresses += 1
                    set.problems.append(RecipientProblem(recipientID: id, segment: segment.name, kind: .duplicateAddress,
                                                         reason: "another recipient already gets a message at this address"))
                case .unreachable(let reason):
                    unreachable.add(reason, id: id)
                    set.problems.append(RecipientProblem(recipientID: id, segment: segment.name, kind: .unreachable, reason: reason))
                case .renderFailed(let reason):
                    failures.add(reason, id: id)
                    set.problems.append(RecipientProblem(recipientID: id, segment: segment.name, kind: .renderFailure, reason: reason))
                case .message(let channel, let address, let rendered, let parts):
                    let message = OutboundMessage(
                        id: Self.messageID(campaign: campaign.name, occurrence: occurrence, recipient: id, key: idKey),
                        channel: channel, recipientID: id, to: address, sender: RecipientComposer.sender(campaign.sender, channel: channel),
                        subject: rendered.subject, text: rendered.text, html: rendered.html, language: rendered.language)
                    set.messages.append(message)
                    counts.ready += 1
                    counts.byChannel[channel.rawValue, default: 0] += 1
                    if channel == .sms { counts.parts += parts }
                }
            }
            counts.unreachable = unreachable.counts
            counts.renderFailures = failures.counts
            set.segments.append(counts)
        }
        return set
    }
}

/// What `CampaignMessages.build` produced for one occurrence.
public struct CampaignMessageSet: Sendable {
    /// One segment's share of the occurrence: its recipients, the messages built, and why the rest got none.
    public struct SegmentCount: Sendable, Equatable, Codable {
        public var name: String
        /// Members this segment is responsible for.
        public var recipients: Int
        /// Messages built.
        public var ready = 0
        public var byChannel: [String: Int] = [:]
        public var unreachable: [CampaignPreview.Count] = []
        public var renderFailures: [CampaignPreview.Count] = []
        /// SMS parts over the segment's SMS messages.
        public var parts = 0
        /// On the suppression list: no message.
        public var optedOut = 0
        /// Sharing an address another recipient of the occurrence already gets a message at: no message.
        public var duplicateAddresses = 0
        /// In the campaign's held-out control group: deliberately no message.
        public var heldOut = 0

        public init(name: String, recipients: Int) {
            self.name = name
            self.recipients = recipients
        }
    }

    public var campaign: String
    public var occurrence: String
    /// In segment order, then population order.
    public var messages: [OutboundMessage] = []
    /// Recipients who get no message, and why.
    public var problems: [RecipientProblem] = []
    public var segments: [SegmentCount] = []
    /// People removed by the campaign's `exclude` audiences.
    public var excluded: Int

    public init(campaign: String, occurrence: String, excluded: Int = 0) {
        self.campaign = campaign
        self.occurrence = occurrence
        self.excluded = excluded
    }

    /// Everyone the campaign targets (segment members after exclusions).
    public var targeted: Int { segments.reduce(0) { $0 + $1.recipients } }
    public var unreachable: Int { problems.count { $0.kind == .unreachable } }
    public var renderFailures: Int { problems.count { $0.kind == .renderFailure } }
    public var optedOut: Int { segments.reduce(0) { $0 + $1.optedOut } }
    public var duplicateAddresses: Int { segments.reduce(0) { $0 + $1.duplicateAddresses } }
    public var heldOut: Int { segments.reduce(0) { $0 + $1.heldOut } }
    public var parts: Int { segments.reduce(0) { $0 + $1.parts } }
}

/// Why one recipient gets no message.
public struct RecipientProblem: Sendable, Equatable, Codable {
    /// The reason, as written in the ledger and reports (raw values are stable).
    public enum Kind: String, Sendable, Codable {
        case unreachable
        case renderFailure = "render-failure"
        case optedOut = "opted-out"
        case duplicateAddress = "duplicate-address"
        case heldOut = "held-out"
    }

    public var recipientID: String
    public var segment: String
    public var kind: Kind
    public var reason: String

    public init(recipientID: String, segment: String, kind: Kind, reason: String) {
        self.recipientID = recipientID
        self.segment = segment
        self.kind = kind
        self.reason = reason
    }
}

extension String {
    func trimmingASCIISpaces() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }),
              let last = scalars.lastIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        return String(scalars[first...last])
    }
}
