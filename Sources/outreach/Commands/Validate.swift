import ArgumentParser
import Foundation
import OutreachApp
import OutreachCore
import OutreachProject

/// `outreach validate`: checks every file of the project and reports every
/// problem with its location; exits non-zero when there is any.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check every project file (outreach.yaml, schema, audiences, templates, campaigns).")

    @OptionGroup var options: ProjectOptions

    @Flag(name: .long, help: "Print the result as JSON.")
    var json = false

    struct Result: Encodable {
        var ok: Bool
        var audiences: Int
        var templates: Int
        var campaigns: Int
        var errors: [String]
        var warnings: [String]
    }

    func run() throws {
        var loader = ProjectLoader(root: options.project, populationOverride: options.population, schemaOverride: options.schema)
        let project = loader.loadCollectingProblems()
        let check = ProjectCheck(project: project, schemaLoaded: loader.schemaLoaded)
        let errors = loader.problems + check.errors
        let result = Result(ok: errors.isEmpty, audiences: project.audiences.count, templates: project.templates.count,
                            campaigns: project.campaigns.count, errors: errors.map(\.description), warnings: check.warnings)
        if json {
            try printJSON(result)
        } else {
            for e in errors { printError(e.description) }
            for w in check.warnings { printError("warning: \(w)") }
            if errors.isEmpty {
                print("ok: \(project.audiences.count) audiences, \(project.templates.count) templates, \(project.campaigns.count) campaigns")
            } else {
                printError("\(errors.count) error(s)")
            }
        }
        if !errors.isEmpty { throw ExitCode(1) }
    }
}
