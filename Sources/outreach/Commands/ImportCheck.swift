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

    @Flag(name: .long, help: "Exit non-zero when anything was rejected (records lost to an unclosed quote always do).")
    var strict = false

    func run() throws {
        try reportingErrors {
            let workspace = try options.load()
            let clock = ContinuousClock()
            let start = clock.now
            let (population, report) = try workspace.populationAsImported()
            let elapsed = clock.now - start
            if json {
                try printJSON(report)
            } else {
                print(ImportReportText.render(report, fields: population.fieldNames.count, elapsed: elapsed))
            }
            // Records a quote swallowed are gone from the import whatever
            // --strict says: the file no longer holds what was exported.
            if report.recordsLostToQuotes > 0 {
                printError("error: a quote left open swallowed \(report.recordsLostToQuotes) record(s); fix the quoting on the line(s) shown and import again")
                throw ExitCode(1)
            }
            if strict && (report.totalRejectedRows > 0 || report.rejectedValues.contains { $0.count > 0 }) {
                throw ExitCode(1)
            }
        }
    }
}
