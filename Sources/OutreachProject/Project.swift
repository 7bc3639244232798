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
    /// The gateways of `gateways.yaml` that loaded (none when there is no such file).
    public var gateways: [GatewayConfiguration] = []
    /// Every name gateways.yaml declares, including gateways with problems.
    public var declaredGatewayNames: [String] = []
    /// Problems in gateways.yaml (a missing `${ENV}` variable, a bad sender…).
    /// Kept apart from the loader's `problems` so that commands which do not
    /// send (preview, plan) work without the gateways' secrets; `validate`
    /// reports them, and `gateway(named:)` throws them.
    public var gatewayProblems: [OutreachError] = []

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

    /// The gateway a campaign sends through, ready to use: throws when the
    /// name is unknown or when gateways.yaml has a problem with it (or with
    /// the file as a whole), so nothing is sent on a broken configuration.
    public func gateway(named name: String) throws(OutreachError) -> GatewayConfiguration {
        if let gateway = gateways.first(where: { $0.name == name }) { return gateway }
        if let problem = gatewayProblems.first { throw problem }
        var hint = declaredGatewayNames.isEmpty
            ? "declare it in \(GatewaysLoader.fileName)"
            : "gateways are: \(declaredGatewayNames.sorted().joined(separator: ", "))"
        if let close = NameSuggestion.closest(to: name, in: declaredGatewayNames) { hint = "did you mean '\(close)'? " + hint }
        throw OutreachError(.unknownName, "no gateway '\(name)'", hint: hint)
    }

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
