/// One recipient's message for one campaign segment: the first of the
/// campaign's channels the segment has a template for and the person has a
/// usable address on, rendered; or why there is none. Pure and per row, so
/// the scheduler renders only the people whose send has come.
public struct RecipientComposer: Sendable {
    /// What one person gets in one occurrence: a message, or the one reason they get none.
    public enum Composition: Sendable, Equatable {
        case message(channel: Channel, address: String, rendered: RenderedMessage, parts: Int)
        case unreachable(String)
        case renderFailed(String)
        /// On the suppression list (the address, or with person scope any of the person's addresses).
        case optedOut(channel: Channel, address: String)
        /// Another recipient of the same occurrence already gets a message at this address.
        case duplicateAddress(channel: Channel, address: String)
        /// Would get a message but is in the campaign's held-out control group (`holdout:`).
        case heldOut(channel: Channel, address: String)

        /// Why this recipient gets nothing, as the ledger records it; nil for a message.
        public var skipReason: SkipReason? {
            switch self {
            case .message: nil
            case .unreachable: .unreachable
            case .renderFailed: .renderFailed
            case .optedOut: .optedOut
            case .duplicateAddress: .duplicateAddress
            case .heldOut: .holdout
            }
        }

        /// SMS parts this composition costs: a message's by SMS, else 0.
        public var smsParts: Int {
            if case .message(.sms, _, _, let parts) = self { return parts }
            return 0
        }
    }

    /// A composition with the variant it was made from (`variants:`; nil for a segment without them).
    public struct Decision: Sendable, Equatable {
        public var composition: Composition
        /// The variant's template name, for held-out people the one they would have had.
        public var variant: String?

        public init(composition: Composition, variant: String? = nil) {
            self.composition = composition
            self.variant = variant
        }
    }

    public var campaign: CampaignDefinition
    /// Per segment name, the template for each channel the segment can use.
    public var templates: [String: [Channel: CompiledTemplate]]
    /// Field holding each channel's address (sms → mobile, email → email).
    public var contactFields: [Channel: String]
    /// Who gets nothing. Checked here, before rendering, so preview, launch, `send` and the scheduler count
    /// opt-outs alike; the ledger's claim checks the list again for opt-outs that arrive later.
    public var suppression: Suppression
    /// Per segment name with `variants:`, the templates of each variant by channel, in the segment's
    /// variants' order; a segment missing here sends `templates` to everyone.
    public var variantTemplates: [String: [[Channel: CompiledTemplate]]] = [:]
    /// The ledger's key, which variants and holdouts are drawn with (`ExperimentAssignment`). A campaign with
    /// variants or a holdout needs it: without it the draws are unkeyed (`MessageIDKey.none`), which only
    /// tests should do.
    public var assignmentKey: MessageIDKey? {
        didSet { assignment = ExperimentAssignment(campaign: campaign.name, key: assignmentKey ?? .none) }
    }
    /// Per segment name, its split between variants and the held-out share; absent: no experiment.
    private var splits: [String: ExperimentAssignment.Split]
    private var assignment: ExperimentAssignment

    public init(campaign: CampaignDefinition, templates: [String: [Channel: CompiledTemplate]], contactFields: [Channel: String],
                suppression: Suppression = .none, variantTemplates: [String: [[Channel: CompiledTemplate]]] = [:],
                assignmentKey: MessageIDKey? = nil) {
        self.campaign = campaign
        self.templates = templates
        self.contactFields = contactFields
        self.suppression = suppression
        self.variantTemplates = variantTemplates
        self.assignmentKey = assignmentKey
        assignment = ExperimentAssignment(campaign: campaign.name, key: assignmentKey ?? .none)
        var splits: [String: ExperimentAssignment.Split] = [:]
        for segment in campaign.segments {
            let holdout = campaign.holdout(of: segment)
            guard !segment.variants.isEmpty || (holdout?.fraction ?? 0) > 0 else { continue }
            splits[segment.name] = ExperimentAssignment.Split(weights: segment.variants.map(\.weight), holdout: holdout)
        }
        self.splits = splits
    }

    /// The channels a segment can use, in the campaign's order of preference.
    public func channels(for segment: String) -> [Channel] {
        let available = templates[segment] ?? [:]
        return campaign.channels.filter { available[$0] != nil }
    }

    public func compose(_ record: some RecordData, segment: String) -> Composition {
        decide(record, segment: segment).composition
    }

    /// The recipient's composition and the variant it was made from: with `variants:`, the variant the
    /// person's draw picks; with a holdout, a person whose draw holds them out and who would get a message
    /// is `heldOut` instead (at the address and channel the message would have gone to, which the
    /// occurrence does not count as messaged). Only people who would be messaged are held out, so the
    /// control group is like the messaged group in everything the composition checks.
    public func decide(_ record: some RecordData, segment: String) -> Decision {
        guard let split = splits[segment] else {
            return Decision(composition: compose(record, segment: segment, available: templates[segment] ?? [:]))
        }
        let assigned = assignment.assign(recipient: record.recordID ?? "", split: split)
        let variants = campaign.segments.first { $0.name == segment }?.variants ?? []
        var available = templates[segment] ?? [:]
        var variant: String?
        if assigned.variant < variants.count {
            variant = variants[assigned.variant].template
            if let own = variantTemplates[segment], assigned.variant < own.count { available = own[assigned.variant] }
        }
        var composition = compose(record, segment: segment, available: available)
        if assigned.heldOut, case .message(let channel, let address, _, _) = composition {
            composition = .heldOut(channel: channel, address: address)
        }
        return Decision(composition: composition, variant: variant)
    }

    private func compose(_ record: some RecordData, segment: String, available: [Channel: CompiledTemplate]) -> Composition {
        let channels = campaign.channels.filter { available[$0] != nil }
        for channel in channels {
            guard let field = contactFields[channel], let address = Self.address(record.value(field), channel: channel) else { continue }
            if isSuppressed(record, address: address) { return .optedOut(channel: channel, address: address) }
            switch available[channel]!.render(record) {
            case .failure(let failure):
                return .renderFailed(failure.reason)
            case .success(var rendered):
                guard channel == .sms else { return .message(channel: channel, address: address, rendered: rendered, parts: 1) }
                switch Self.outgoingSMS(rendered.text, campaign: campaign) {
                case .tooLong(let reason):
                    return .renderFailed(reason)
                case .ready(let text, let info):
                    rendered.text = text
                    return .message(channel: channel, address: address, rendered: rendered, parts: info.parts)
                }
            }
        }
        return .unreachable(Self.unreachableReason(channels, contactFields: contactFields))
    }

    /// Whether the suppression list stops this person at `address`: the address itself, or with person
    /// scope any usable address of theirs on any channel.
    func isSuppressed(_ record: some RecordData, address: String) -> Bool {
        guard !suppression.isEmpty else { return false }
        if suppression.contains(address) { return true }
        guard suppression.scope == .person else { return false }
        for (channel, field) in contactFields {
            if let other = Self.address(record.value(field), channel: channel), suppression.contains(other) { return true }
        }
        return false
    }

    /// An SMS text as it leaves, or why it must not.
    public enum OutgoingSMS: Sendable, Equatable {
        case ready(text: String, info: SMSInfo)
        /// More parts than the campaign's `max_parts`: a render failure.
        case tooLong(reason: String)
    }

    /// The one place an SMS text is made ready to leave, for preview and
    /// sending alike: smart-encoded when the campaign asks (so the parts
    /// counted are the parts sent), then held to the campaign's `max_parts`.
    /// The reason names the limit, not the size, so every such recipient
    /// counts under one reason.
    public static func outgoingSMS(_ text: String, campaign: CampaignDefinition) -> OutgoingSMS {
        let sent = campaign.smartEncoding ? SMSText.smartEncoded(text) : text
        let info = SMSText.info(sent)
        guard info.parts <= campaign.maxParts else {
            return .tooLong(reason: "message longer than max_parts (\(campaign.maxParts) SMS part\(campaign.maxParts == 1 ? "" : "s"))")
        }
        return .ready(text: sent, info: info)
    }

    /// The campaign's sender for the channel: an SMS sender id as is; for
    /// email only an address (a bare sender id like `MOH` is no From).
    public static func sender(_ sender: String?, channel: Channel) -> String? {
        guard let sender else { return nil }
        if channel == .email && !sender.contains("@") { return nil }
        return sender
    }

    /// A usable address for the channel, or nil: SMS numbers in E.164 (a
    /// raw text field is normalised), email addresses with one `@` and
    /// nothing that could break a mail header.
    public static func address(_ value: Value?, channel: Channel) -> String? {
        guard case .text(let raw)? = value else { return nil }
        switch channel {
        case .sms:
            return PhoneNumber.normalize(raw)
        case .email:
            let text = raw.trimmingASCIISpaces()
            let ats = text.utf8.filter { $0 == UInt8(ascii: "@") }.count
            guard ats == 1, !text.hasPrefix("@"), !text.hasSuffix("@") else { return nil }
            let forbidden: (Unicode.Scalar) -> Bool = { u in
                u.value < 0x21 || u.value == 0x7F || u == "<" || u == ">" || u == ","
            }
            return text.unicodeScalars.contains(where: forbidden) ? nil : text
        }
    }

    static func unreachableReason(_ channels: [Channel], contactFields: [Channel: String]) -> String {
        if channels.isEmpty { return "no template for the campaign's channels" }
        if channels.allSatisfy({ contactFields[$0] == nil }) {
            return "no \(channels.map(\.rawValue).joined(separator: " or ")) field in the population"
        }
        return "no valid " + channels.map { contactFields[$0] ?? "\($0.rawValue) address" }.joined(separator: " or ")
    }
}
