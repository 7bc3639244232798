import ArgumentParser
import Foundation
import OutreachApp
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
        try Workspace.load(root: project, population: population, schema: schema, today: today)
    }

    func evaluationDay(_ project: Project) throws(OutreachError) -> Day {
        try Workspace.evaluationDay(today, project: project)
    }
}

extension LaunchWorkspace {
    /// The project of `options`, loaded as commands on launched campaigns load it.
    init(_ options: ProjectOptions, rehearsal: Bool = false) throws(OutreachError) {
        try self.init(root: options.project, population: options.population, schema: options.schema, today: options.today,
                      rehearsal: rehearsal)
    }
}
