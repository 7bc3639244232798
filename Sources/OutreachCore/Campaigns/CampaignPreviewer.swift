/// Builds a `CampaignPreview` from a population, the audience catalog and
/// compiled templates. Pure: everything it needs is passed in.
public struct CampaignPreviewer: Sendable {
    public var catalog: AudienceCatalog
    public var templates: [String: CompiledTemplate]
    /// Field holding each channel's address (e.g. sms → mobile).
    public var contactFields: [Channel: String]
    public var today: Day
    /// Samples per segment.
    public var sampleSize: Int = 4
    /// Warn about messages longer than this many SMS parts (messages over the
    /// campaign's `max_parts` are render failures, not warnings).
    public var maxParts: Int = 3
    /// Per segment name, the template for each channel the segment can use (channel fallback), as sending
    /// gets them; a segment missing here uses its own template alone.
    public var channelTemplates: [String: [Channel: CompiledTemplate]] = [:]
    /// Who gets nothing (the project's suppression list), counted as sending counts it.
    public var suppression: Suppression = .none
    /// Per segment with variants, each variant's templates by channel (`RecipientComposer.variantTemplates`);
    /// a variant missing here uses its own template alone.
    public var variantTemplates: [String: [[Channel: CompiledTemplate]]] = [:]
    /// The ledger's key, which variants and holdouts are drawn with: the preview then shows who gets what
    /// exactly as sending will.
    public var assignmentKey: MessageIDKey?

    public init(catalog: AudienceCatalog, templates: [String: CompiledTemplate], contactFields: [Channel: String], today: Day) {
        self.catalog = catalog
        self.templates = templates
        self.contactFields = contactFields
        self.today = today
    }

    public func preview(_ campaign: CampaignDefinition, population: Population) throws(OutreachError) -> CampaignPreview {
        let segmentation = try CampaignSegmentation(campaign, catalog: catalog, population: population, today: today)

        var warnings: [String] = []
        var segments: [CampaignPreview.Segment] = []
        var composing = OccurrenceComposer(composer(for: campaign))
        for part in segmentation.parts {
            let segment = part.segment
            for name in segment.templates where templates[name] == nil {
                var hint = "templates are: \(templates.keys.sorted().joined(separator: ", "))"
                if let close = NameSuggestion.closest(to: name, in: templates.keys) { hint = "did you mean '\(close)'? " + hint }
                throw CampaignSourceMap.error(.unknownName, "campaign '\(campaign.name)' names unknown template '\(name)'",
                                              at: campaign.sources.templates[name], file: campaign.file, hint: hint)
            }
            let template = templates[segment.template]!
            if !campaign.channels.contains(template.channel) {
                warnings.append("segment '\(segment.name)': template '\(template.name)' is for \(template.channel.rawValue) but the campaign sends by \(campaign.channels.map(\.rawValue).joined(separator: ", "))")
            }
            for field in template.recipientFields.sorted() where population.type(of: field) == nil {
                warnings.append("template '\(template.name)' uses '\(field)', which the population does not have: every recipient will fail to render")
            }
            segments.append(previewSegment(segment, template: template, composing: &composing, members: part.members,
                                           audienceCount: part.audienceCount, population: population))
        }
        for s in segments {
            if s.recipients == 0 { warnings.append("segment '\(s.name)' reaches nobody") }
            let long = s.partsHistogram.filter { $0.key > maxParts }.reduce(0) { $0 + $1.value }
            if long > 0 { warnings.append("segment '\(s.name)': \(long) message(s) longer than \(maxParts) SMS parts") }
            for failure in s.renderFailures {
                warnings.append("segment '\(s.name)': \(failure.count) recipient(s) cannot be rendered (\(failure.reason))")
            }
        }
        return CampaignPreview(
            campaign: campaign.name, title: campaign.title, today: today, population: population.count,
            excluded: segmentation.excluded, segments: segments,
            recipients: segments.reduce(0) { $0 + $1.recipients },
            ready: segments.reduce(0) { $0 + $1.ready },
            optedOut: segments.reduce(0) { $0 + $1.optedOut },
            duplicateAddresses: segments.reduce(0) { $0 + $1.duplicateAddresses },
            heldOut: segments.reduce(0) { $0 + $1.heldOut },
            totalParts: segments.reduce(0) { $0 + $1.totalParts },
            warnings: warnings, testPhase: campaign.testPhase)
    }

    /// What decides each recipient's message as `send` and the scheduler do: the templates each segment can
    /// use, by channel, and the suppression list. `plan` counts through it too.
    public func composer(for campaign: CampaignDefinition) -> RecipientComposer {
        var byChannel = channelTemplates
        for segment in campaign.segments where byChannel[segment.name] == nil {
            if let own = templates[segment.template] { byChannel[segment.name] = [own.channel: own] }
        }
        var variants = variantTemplates
        for segment in campaign.segments where !segment.variants.isEmpty && variants[segment.name] == nil {
            let own = segment.variants.map { v in templates[v.template].map { [$0.channel: $0] } ?? [:] }
            variants[segment.name] = own
        }
        return RecipientComposer(campaign: campaign, templates: byChannel, contactFields: contactFields, suppression: suppression,
                                 variantTemplates: variants, assignmentKey: assignmentKey)
    }

    /// One segment, recipient by recipient through the same composition as sending. With variants, each
    /// variant gets its own samples (at least one each) and counts.
    private func previewSegment(_ segment: CampaignDefinition.Segment, template: CompiledTemplate, composing: inout OccurrenceComposer,
                                members: RowSet, audienceCount: Int, population: Population) -> CampaignPreview.Segment {
        var unreachable = Tally()
        var failures = Tally()
        var ready = 0, totalParts = 0, optedOut = 0, duplicates = 0, heldOut = 0
        var byChannel: [String: Int] = [:]
        var encodings: [String: Int] = [:]
        var histogram: [Int: Int] = [:]
        var cost = SMSCostTally()
        // Per variant (one group for a segment without variants): samples of distinct kinds first, then others.
        let groups = max(1, segment.variants.count)
        let perGroup = segment.variants.isEmpty ? sampleSize : max(sampleSize > 0 ? 1 : 0, sampleSize / groups)
        var samples = Array(repeating: [CampaignPreview.Sample](), count: groups)
        var extra = Array(repeating: [CampaignPreview.Sample](), count: groups)
        var sampledKinds = Array(repeating: Set<String>(), count: groups)
        var variantReady = Array(repeating: 0, count: groups)
        var variantHeld = Array(repeating: 0, count: groups)
        var variantParts = Array(repeating: 0, count: groups)
        let variantIndex = Dictionary(segment.variants.enumerated().map { ($1.template, $0) }, uniquingKeysWith: { a, _ in a })

        for row in members.rows {
            let record = population.record(row)
            let decision = composing.decide(record, segment: segment.name)
            let group = decision.variant.flatMap { variantIndex[$0] } ?? 0
            switch decision.composition {
            case .unreachable(let reason):
                unreachable.add(reason, id: record.id)
            case .renderFailed(let reason):
                failures.add(reason, id: record.id)
            case .optedOut:
                optedOut += 1
            case .duplicateAddress:
                duplicates += 1
            case .heldOut:
                heldOut += 1
                variantHeld[group] += 1
            case .message(let channel, let address, let message, _):
                var info: SMSInfo?
                if channel == .sms {
                    // The text is as it leaves (smart-encoded, within max_parts): count it as sent.
                    let i = SMSText.info(message.text)
                    info = i
                    totalParts += i.parts
                    variantParts[group] += i.parts
                    encodings[i.encoding.rawValue, default: 0] += 1
                    histogram[i.parts, default: 0] += 1
                    cost.add(message.text, info: i)
                }
                ready += 1
                variantReady[group] += 1
                byChannel[channel.rawValue, default: 0] += 1
                let gender: String? = if case .gender(let g)? = record.value("gender") { g.name } else { nil }
                let kind = "\(gender ?? "-")|\(message.language)|\(channel.rawValue)"
                if samples[group].count < perGroup || extra[group].count < perGroup {
                    let sample = CampaignPreview.Sample(
                        id: record.id, segment: segment.name, gender: gender, language: message.language, channel: channel,
                        address: address, subject: message.subject, text: message.text, encoding: info?.encoding,
                        characters: info?.characters, parts: info?.parts, variant: decision.variant)
                    if samples[group].count < perGroup && sampledKinds[group].insert(kind).inserted {
                        samples[group].append(sample)
                    } else if extra[group].count < perGroup {
                        extra[group].append(sample)
                    }
                }
            }
        }
        // Distinct gender/language/channel combinations first, then others to fill.
        for g in 0..<groups {
            for s in extra[g] where samples[g].count < perGroup { samples[g].append(s) }
        }

        var result = CampaignPreview.Segment(
            name: segment.name, audience: segment.audience, template: template.name, channel: template.channel,
            audienceCount: audienceCount, recipients: members.count, ready: ready,
            unreachable: unreachable.counts, renderFailures: failures.counts, totalParts: totalParts,
            encodings: encodings, partsHistogram: histogram, samples: samples.flatMap { $0 })
        result.optedOut = optedOut
        result.duplicateAddresses = duplicates
        result.heldOut = heldOut
        result.holdoutPercent = composing.campaign.holdout(of: segment).map(\.percent)
        result.byChannel = byChannel
        result.cost = cost.cost
        let totalWeight = segment.variants.reduce(0) { $0 + $1.weight }
        result.variants = segment.variants.enumerated().map { i, v in
            CampaignPreview.Variant(template: v.template, weightPercent: v.weight / totalWeight * 100, ready: variantReady[i],
                                    heldOut: variantHeld[i], totalParts: variantParts[i], samples: samples[i])
        }
        return result
    }
}

/// Counts reasons with a few example ids each.
struct Tally {
    private var order: [String] = []
    private var counts_: [String: (Int, [String])] = [:]

    mutating func add(_ reason: String, id: String) {
        if var entry = counts_[reason] {
            entry.0 += 1
            if entry.1.count < 3 { entry.1.append(id) }
            counts_[reason] = entry
        } else {
            order.append(reason)
            counts_[reason] = (1, [id])
        }
    }

    var counts: [CampaignPreview.Count] {
        order.map { CampaignPreview.Count(reason: $0, count: counts_[$0]!.0, examples: counts_[$0]!.1) }
            .sorted { $0.count > $1.count }
    }
}
