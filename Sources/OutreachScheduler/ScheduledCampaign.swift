public import OutreachCore

/// A campaign as the scheduler runs it: its definition and how each
/// recipient's message is composed.
public struct ScheduledCampaign: Sendable {
    public var definition: CampaignDefinition
    public var composer: RecipientComposer

    public init(definition: CampaignDefinition, composer: RecipientComposer) {
        self.definition = definition
        self.composer = composer
    }

    public var name: String { definition.name }

    /// The schedule it runs on: its own, or — for a campaign without one —
    /// a single send at the moment it is launched (quiet hours still apply).
    public func schedule(launchedAt: LocalDateTime, projectZone: String, quietHours: TimeWindow?) -> CampaignSchedule {
        definition.schedule ?? CampaignSchedule(timeZone: projectZone, start: launchedAt, quietHours: quietHours)
    }
}
