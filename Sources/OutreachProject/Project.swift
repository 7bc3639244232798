public import OutreachCore
public import Foundation

/// A project folder: `outreach.yaml`, `schema.yaml`, `audiences/`,
/// `templates/`, `campaigns/`, loaded and checked once.
public struct Project: Sendable {
    public var root: String
    public var configuration: ProjectConfiguration
    public var schema: PopulationSchema
    public var audiences: [AudienceDefinition]
    public var templates: [TemplateSpec]
    public var campaigns: [CampaignDefinition]
    /// Absolute path of the population file, when one is configured or given.
    public var populationPath: String?

    public init(root: String, configuration: ProjectConfiguration, schema: PopulationSchema,
                audiences: [AudienceDefinition], templates: [TemplateSpec], campaigns: [CampaignDefinition],
                populationPath: String?) {
        self.root = root
        self.configuration = configuration
        self.schema = schema
        self.audiences = audiences
        self.templates = templates
        self.campaigns = campaigns
        self.populationPath = populationPath
    }

    public func template(_ name: String) -> TemplateSpec? { templates.first { $0.name == name } }
    public func campaign(_ name: String) -> CampaignDefinition? { campaigns.first { $0.name == name } }

    /// The field that holds a channel's address.
    public func contactField(for channel: Channel) -> String? {
        if let f = configuration.contactFields[channel] { return f }
        let wanted: FieldType = channel == .sms ? .phone : .email
        return schema.fields.filter { $0.value == wanted }.map(\.key).sorted().first
    }

    /// "Today" in the project's time zone.
    public func today(now: Date = Date()) -> Day {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: configuration.timeZone) ?? TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day], from: now)
        return Day(year: c.year!, month: c.month!, day: c.day!)!
    }
}
