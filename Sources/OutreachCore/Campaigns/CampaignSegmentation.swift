/// Who a campaign reaches: each segment's members after removing excluded
/// people and members of earlier segments (a person gets one message, from
/// the first segment that contains them).
public struct CampaignSegmentation: Sendable {
    /// One segment and the people it keeps (after exclusions and earlier segments).
    public struct Part: Sendable {
        public var segment: CampaignDefinition.Segment
        /// Size of the segment's audience before exclusions and earlier segments.
        public var audienceCount: Int
        public var members: RowSet
    }

    public var parts: [Part]
    /// People in some segment's audience removed by `exclude`.
    public var excluded: Int

    public var recipients: Int { parts.reduce(0) { $0 + $1.members.count } }

    /// Evaluates the campaign's audiences (each once) over `population`.
    public init(_ campaign: CampaignDefinition, catalog: AudienceCatalog, population: Population, today: Day) throws(OutreachError) {
        let names = Array(Set(campaign.segments.map(\.audience) + campaign.exclude))
        for name in names where catalog.definition(name) == nil {
            var hint = "audiences are: \(catalog.names.sorted().joined(separator: ", "))"
            if let close = NameSuggestion.closest(to: name, in: catalog.names) { hint = "did you mean '\(close)'? " + hint }
            throw CampaignSourceMap.error(.unknownName, "campaign '\(campaign.name)' names unknown audience '\(name)'",
                                          at: campaign.sources.audiences[name], file: campaign.file, hint: hint)
        }
        let sets = try catalog.evaluate(names, over: population, today: today)
        // Rows already claimed: excluded people, then earlier segments' members.
        var taken: RowSet? = nil
        for name in campaign.exclude { taken = taken.map { $0.union(sets[name]!) } ?? sets[name]! }
        var targeted: RowSet? = nil
        for segment in campaign.segments {
            targeted = targeted.map { $0.union(sets[segment.audience]!) } ?? sets[segment.audience]!
        }
        excluded = taken.map { targeted!.intersection($0).count } ?? 0
        parts = []
        for segment in campaign.segments {
            let audience = sets[segment.audience]!
            let mine = taken.map { audience.subtracting($0) } ?? audience
            taken = taken.map { $0.union(mine) } ?? mine
            parts.append(Part(segment: segment, audienceCount: audience.count, members: mine))
        }
    }

    /// The segment a row belongs to, if any.
    public func segment(of row: Int) -> CampaignDefinition.Segment? {
        parts.first { $0.members.contains(row) }?.segment
    }
}
