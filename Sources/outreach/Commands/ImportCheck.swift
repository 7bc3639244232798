import ArgumentParser
import Foundation
import OutreachCore
import OutreachProject

/// `outreach import-check`: reads the population and reports what was
/// rejected, row by row and field by field, with line numbers.
struct ImportCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-check",
        abstract: "Import the population and report rejected rows and values with line numbers.")

    @OptionGroup var options: ProjectOptions

    @Flag(name: .long, help: "Print the report as JSON.")
    var json = false

    @Flag(name: .long, help: "Exit non-zero when anything was rejected.")
    var strict = false

    func run() throws {
        try reportingErrors {
            let workspace = try options.load()
            let clock = ContinuousClock()
            let start = clock.now
            let (population, report) = try workspace.population()
            let elapsed = clock.now - start
            if json {
                try printJSON(report)
            } else {
                print(ImportReportText.render(report, fields: population.fieldNames.count, elapsed: elapsed))
            }
            if strict && (report.totalRejectedRows > 0 || report.rejectedValues.contains { $0.count > 0 }) {
                throw ExitCode(1)
            }
        }
    }
}
