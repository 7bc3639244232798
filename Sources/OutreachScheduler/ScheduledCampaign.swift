public import OutreachCore

/// A campaign as the scheduler runs it: its definition and how each
/// recipient's message is composed.
public struct ScheduledCampaign: Sendable {
    public var definition: CampaignDefinition
    public var composer: RecipientComposer
    /// The launched version's generation: 1, then one more per relaunch.
    public var generation: Int
    /// The launched version's audiences, when they differ from the scheduler's catalog.
    public var catalog: AudienceCatalog?

    public init(definition: CampaignDefinition, composer: RecipientComposer, generation: Int = 1, catalog: AudienceCatalog? = nil) {
        self.definition = definition
        self.composer = composer
        self.generation = generation
        self.catalog = catalog
    }

    /// The ledger's occurrence key for one of this generation's occurrences.
    public func occurrenceKey(_ occurrence: String) -> String {
        CampaignVersion.occurrenceKey(occurrence, generation: generation)
    }

    public var name: String { definition.name }

    /// The schedule it runs on: its own, or — for a campaign without one —
    /// a single send at the moment it is launched (quiet hours still apply).
    public func schedule(launchedAt: LocalDateTime, projectZone: String, quietHours: TimeWindow?) -> CampaignSchedule {
        definition.schedule ?? CampaignSchedule(timeZone: projectZone, start: launchedAt, quietHours: quietHours)
    }
}
