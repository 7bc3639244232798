public import OutreachCore
public import OutreachProject
public import OutreachStore

/// A loaded project plus the evaluation day: what commands work on.
public struct Workspace: Sendable {
    public let project: Project
    public let today: Day

    public init(project: Project, today: Day) {
        self.project = project
        self.today = today
    }

    /// The project at `root` (with the population and schema files given instead of outreach.yaml's), evaluated on
    /// `today` (YYYY-MM-DD; default today in the project's time zone). Any problem in its files stops the load.
    public static func load(root: String, population: String? = nil, schema: String? = nil,
                            today: String? = nil) throws(OutreachError) -> Workspace {
        let project = try ProjectLoader.load(root: root, population: population, schema: schema)
        return Workspace(project: project, today: try evaluationDay(today, project: project))
    }

    /// `today` as a day (`--today`), else today in the project's time zone.
    public static func evaluationDay(_ today: String?, project: Project) throws(OutreachError) -> Day {
        guard let today else { return project.today() }
        guard let day = Day(iso: today) else {
            throw OutreachError(.invalidValue, "--today '\(today)' is not a date", hint: "write it as YYYY-MM-DD")
        }
        return day
    }

    public func population() throws(OutreachError) -> (Population, ImportReport) {
        try population(fields: nil)
    }

    /// The population; from a snapshot (`--population X.snap`) only `fields`
    /// are loaded when given (what counting audiences needs).
    public func population(fields: Set<String>?) throws(OutreachError) -> (Population, ImportReport) {
        guard let path = project.populationPath else {
            throw OutreachError(.invalidProject, "no population file",
                                hint: "set population.file in outreach.yaml or pass --population FILE")
        }
        let (population, report) = try PopulationFile.load(path, schema: project.schema, fields: fields)
        if let refusal = report.lostRecordsRefusal { throw refusal }
        return (population, report)
    }

    /// The population as imported, even when a quote left open swallowed records: for `import-check`, which
    /// reports them.
    public func populationAsImported() throws(OutreachError) -> (Population, ImportReport) {
        guard let path = project.populationPath else {
            throw OutreachError(.invalidProject, "no population file",
                                hint: "set population.file in outreach.yaml or pass --population FILE")
        }
        return try PopulationFile.load(path, schema: project.schema, fields: nil)
    }

    public func catalog() throws(OutreachError) -> AudienceCatalog {
        try AudienceCatalog(project.audiences)
    }

    /// The template `name`; when `campaign` names it, a missing one is
    /// reported where the campaign's file writes it.
    public func template(_ name: String, for campaign: CampaignDefinition? = nil) throws(OutreachError) -> CompiledTemplate {
        guard let spec = project.template(name) else {
            let names = project.templates.map(\.name)
            var hint = "templates are: \(names.sorted().joined(separator: ", "))"
            if let close = NameSuggestion.closest(to: name, in: names) { hint = "did you mean '\(close)'? " + hint }
            guard let campaign else { throw OutreachError(.unknownName, "no template '\(name)'", hint: hint) }
            throw CampaignSourceMap.error(.unknownName, "campaign '\(campaign.name)' names unknown template '\(name)'",
                                          at: campaign.sources.templates[name], file: campaign.file, hint: hint)
        }
        return try CompiledTemplate(spec, defaultLocale: project.configuration.locale)
    }

    public func audienceName(_ name: String) throws(OutreachError) -> String {
        guard project.audiences.contains(where: { $0.name == name }) else {
            throw OutreachError(.unknownName, "no audience '\(name)'",
                                hint: "audiences are: \(project.audiences.map(\.name).sorted().joined(separator: ", "))")
        }
        return name
    }

    public func campaignDefinition(_ name: String) throws(OutreachError) -> CampaignDefinition {
        guard let definition = project.campaign(name) else {
            var hint = "campaigns are: \(project.campaigns.map(\.name).sorted().joined(separator: ", "))"
            if let close = NameSuggestion.closest(to: name, in: project.campaigns.map(\.name)) { hint = "did you mean '\(close)'? " + hint }
            throw OutreachError(.unknownName, "no campaign '\(name)'", hint: hint)
        }
        return definition
    }

    public var contactFields: [Channel: String] {
        var fields: [Channel: String] = [:]
        for channel in [Channel.sms, .email] { fields[channel] = project.contactField(for: channel) }
        return fields
    }

    /// Where the project's ledger lives: `path` (`--ledger`) when given, else outreach.yaml's `store:`, else
    /// its `ledger:` file (default .outreach/ledger.sqlite).
    public func storeLocation(_ path: String? = nil) throws(OutreachError) -> StoreLocation {
        if let path { return .sqlite(path: path) }
        return try StoreLocation(configuration: project.configuration, root: project.root)
    }

    /// The project's ledger (see `storeLocation`), or the SQLite file at `path`.
    public func openLedger(_ path: String?) throws(OutreachError) -> SQLiteLedger {
        try storeLocation(path).openSQLite()
    }
}
