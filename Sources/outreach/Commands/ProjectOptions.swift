import ArgumentParser
import Foundation
import OutreachCore
import OutreachProject

/// Options every project command accepts.
struct ProjectOptions: ParsableArguments {
    @Option(name: .long, help: "Project folder (holds outreach.yaml).")
    var project: String = "."

    @Option(name: .long, help: "Population file (.csv or .jsonl), instead of the one in outreach.yaml.")
    var population: String?

    @Option(name: .long, help: "Population schema YAML, instead of the one in outreach.yaml.")
    var schema: String?

    @Option(name: .long, help: "Evaluation date YYYY-MM-DD for ages and relative dates (default: today in the project time zone).")
    var today: String?

    /// Loads the project; any problem in its files stops the command.
    func load() throws(OutreachError) -> Workspace {
        let project = try ProjectLoader.load(root: self.project, population: population, schema: schema)
        return Workspace(project: project, today: try evaluationDay(project))
    }

    func evaluationDay(_ project: Project) throws(OutreachError) -> Day {
        guard let today else { return project.today() }
        guard let day = Day(iso: today) else {
            throw OutreachError(.invalidValue, "--today '\(today)' is not a date", hint: "write it as YYYY-MM-DD")
        }
        return day
    }
}

/// A loaded project plus the evaluation day: what commands work on.
struct Workspace {
    let project: Project
    let today: Day

    func population() throws(OutreachError) -> (Population, ImportReport) {
        try population(fields: nil)
    }

    /// The population; from a snapshot (`--population X.snap`) only `fields`
    /// are loaded when given (what counting audiences needs).
    func population(fields: Set<String>?) throws(OutreachError) -> (Population, ImportReport) {
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
    func populationAsImported() throws(OutreachError) -> (Population, ImportReport) {
        guard let path = project.populationPath else {
            throw OutreachError(.invalidProject, "no population file",
                                hint: "set population.file in outreach.yaml or pass --population FILE")
        }
        return try PopulationFile.load(path, schema: project.schema, fields: nil)
    }

    func catalog() throws(OutreachError) -> AudienceCatalog {
        try AudienceCatalog(project.audiences)
    }

    /// The template `name`; when `campaign` names it, a missing one is
    /// reported where the campaign's file writes it.
    func template(_ name: String, for campaign: CampaignDefinition? = nil) throws(OutreachError) -> CompiledTemplate {
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

    func audienceName(_ name: String) throws(OutreachError) -> String {
        guard project.audiences.contains(where: { $0.name == name }) else {
            throw OutreachError(.unknownName, "no audience '\(name)'",
                                hint: "audiences are: \(project.audiences.map(\.name).sorted().joined(separator: ", "))")
        }
        return name
    }

    var contactFields: [Channel: String] {
        var fields: [Channel: String] = [:]
        for channel in [Channel.sms, .email] { fields[channel] = project.contactField(for: channel) }
        return fields
    }
}
