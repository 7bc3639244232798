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
        for part in segmentation.parts {
            let segment = part.segment
            guard let template = templates[segment.template] else {
                var hint = "templates are: \(templates.keys.sorted().joined(separator: ", "))"
                if let close = NameSuggestion.closest(to: segment.template, in: templates.keys) { hint = "did you mean '\(close)'? " + hint }
                throw CampaignSourceMap.error(.unknownName, "campaign '\(campaign.name)' names unknown template '\(segment.template)'",
                                              at: campaign.sources.templates[segment.template], file: campaign.file, hint: hint)
            }
            if !campaign.channels.contains(template.channel) {
                warnings.append("segment '\(segment.name)': template '\(template.name)' is for \(template.channel.rawValue) but the campaign sends by \(campaign.channels.map(\.rawValue).joined(separator: ", "))")
            }
            for field in template.recipientFields.sorted() where population.type(of: field) == nil {
                warnings.append("template '\(template.name)' uses '\(field)', which the population does not have: every recipient will fail to render")
            }
            segments.append(previewSegment(segment, campaign: campaign, template: template, members: part.members,
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
            totalParts: segments.reduce(0) { $0 + $1.totalParts },
            warnings: warnings)
    }

    private func previewSegment(_ segment: CampaignDefinition.Segment, campaign: CampaignDefinition, template: CompiledTemplate, members: RowSet,
                                audienceCount: Int, population: Population) -> CampaignPreview.Segment {
        let channel = template.channel
        let contactField = contactFields[channel]
        var unreachable = Tally()
        var failures = Tally()
        var ready = 0, totalParts = 0
        var encodings: [String: Int] = [:]
        var histogram: [Int: Int] = [:]
        var samples: [CampaignPreview.Sample] = []
        var sampledKinds: Set<String> = []
        var extra: [CampaignPreview.Sample] = []

        for row in members.rows {
            let record = population.record(row)
            let address = contactField.flatMap { record.value($0) }?.description
            guard let address, !address.isEmpty else {
                unreachable.add(contactField.map { "no valid \($0)" } ?? "no \(channel.rawValue) field in the population", id: record.id)
                continue
            }
            switch template.render(record) {
            case .failure(let failure):
                failures.add(failure.reason, id: record.id)
            case .success(var message):
                var info: SMSInfo?
                if channel == .sms {
                    // As sending makes it: smart-encoded, and held to max_parts.
                    let i: SMSInfo
                    switch RecipientComposer.outgoingSMS(message.text, campaign: campaign) {
                    case .tooLong(let reason):
                        failures.add(reason, id: record.id)
                        continue
                    case .ready(let text, let counted):
                        message.text = text
                        i = counted
                    }
                    info = i
                    totalParts += i.parts
                    encodings[i.encoding.rawValue, default: 0] += 1
                    histogram[i.parts, default: 0] += 1
                }
                ready += 1
                let gender: String? = if case .gender(let g)? = record.value("gender") { g.name } else { nil }
                let kind = "\(gender ?? "-")|\(message.language)"
                if samples.count < sampleSize || extra.count < sampleSize {
                    let sample = CampaignPreview.Sample(
                        id: record.id, segment: segment.name, gender: gender, language: message.language, channel: channel,
                        address: address, subject: message.subject, text: message.text, encoding: info?.encoding,
                        characters: info?.characters, parts: info?.parts)
                    if samples.count < sampleSize && sampledKinds.insert(kind).inserted {
                        samples.append(sample)
                    } else if extra.count < sampleSize {
                        extra.append(sample)
                    }
                }
            }
        }
        // Distinct gender/language combinations first, then others to fill.
        for s in extra where samples.count < sampleSize { samples.append(s) }

        return CampaignPreview.Segment(
            name: segment.name, audience: segment.audience, template: template.name, channel: channel,
            audienceCount: audienceCount, recipients: members.count, ready: ready,
            unreachable: unreachable.counts, renderFailures: failures.counts, totalParts: totalParts,
            encodings: encodings, partsHistogram: histogram, samples: samples)
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
