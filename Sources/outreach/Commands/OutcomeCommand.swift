import ArgumentParser
import Foundation
import OutreachApp
import OutreachCore
import OutreachProject
import OutreachStore

/// `outreach outcome import CAMPAIGN FILE --field F`: outcomes from the registry, per person, for the
/// outcome report (`outreach report CAMPAIGN --outcomes`).
struct OutcomeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outcome",
        abstract: "Import outcomes (e.g. the day each person was vaccinated) for a campaign's outcome report.",
        subcommands: [Import.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a CSV or JSON Lines file of person ids with a date (an outcome file, or a later population export).")

        @OptionGroup var options: ProjectOptions
        @Argument(help: "Campaign name.") var campaign: String
        @Argument(help: "The file (.csv or .jsonl), read like the population: same id column, encoding and delimiter.") var file: String
        @Option(name: .long, help: "The column holding each person's outcome date, e.g. vaccinated_on.") var field: String
        @Option(name: .long, help: "The column holding the person id (default: the population schema's id).") var id: String?
        @Option(name: .long, help: "Ledger file.") var ledger: String?
        @Flag(name: .long, help: "Print the report as JSON.") var json = false

        struct Report: Encodable {
            var file: String
            var campaign: String
            var field: String
            var rowsRead: Int
            var rowsRejected: Int
            /// Rows without a usable date (missing, or not a date: those are in `import` as rejected values).
            var withoutDate: Int
            var added: Int
            var replaced: Int
            var unchanged: Int
            /// Of the campaign's stored outcomes for the field, those of people in its ledger.
            var stored: Int
            var ofCampaignPeople: Int
            var `import`: ImportReport
        }

        func run() async throws {
            try await reportingErrors {
                let workspace = try options.load()
                let store = try workspace.openLedger(ledger)
                let known = try await store.campaigns().contains { $0.campaign == campaign }
                if !known { _ = try workspace.campaignDefinition(campaign) }
                let project = workspace.project.schema
                let declared = project.fields[field]
                let type: FieldType = declared == .hijriDate ? .hijriDate : .date
                if let declared, declared != .date, declared != .hijriDate {
                    throw OutreachError(.invalidValue, "--field \(field) is a \(declared.rawValue) field in the schema, not a date",
                                        hint: "name the column holding the outcome's date")
                }
                let schema = PopulationSchema(idField: id ?? project.idField, fields: [field: type], encoding: project.encoding,
                                              delimiter: project.delimiter)
                if let columns = try PopulationFile.columns(file, schema: schema), !columns.contains(field) {
                    var hint = "columns are: \(columns.joined(separator: ", "))"
                    if let close = NameSuggestion.closest(to: field, in: columns) { hint = "did you mean '\(close)'? " + hint }
                    throw OutreachError(.unknownName, "\(file) has no column '\(field)'", hint: hint)
                }
                let started = ContinuousClock.now
                let (population, importReport) = try PopulationFile.load(file, schema: schema, fields: [field, schema.idField])
                if let refusal = importReport.lostRecordsRefusal { throw refusal }
                var outcomes: [(recipientID: String, day: Day)] = []
                outcomes.reserveCapacity(population.count)
                for row in 0..<population.count {
                    if case .date(let day)? = population.value(row: row, field: field) { outcomes.append((population.id(row: row), day)) }
                }
                let source = URL(fileURLWithPath: file).lastPathComponent
                let done = try await store.recordOutcomes(campaign: campaign, field: field, source: source, outcomes, at: Date())
                let coverage = try await store.outcomeCoverage(campaign: campaign, field: field)
                let report = Report(file: file, campaign: campaign, field: field, rowsRead: importReport.rowsRead,
                                    rowsRejected: importReport.totalRejectedRows, withoutDate: population.count - outcomes.count,
                                    added: done.added, replaced: done.replaced, unchanged: done.unchanged,
                                    stored: coverage.stored, ofCampaignPeople: coverage.inLedger, import: importReport)
                if json { try printJSON(report); return }
                print(ImportReportText.render(importReport, fields: 2, elapsed: ContinuousClock.now - started))
                print("\(grouped(outcomes.count)) outcome\(outcomes.count == 1 ? "" : "s") (\(field)) for \(campaign): \(grouped(done.added)) added, "
                      + "\(grouped(done.replaced)) replaced, \(grouped(done.unchanged)) unchanged; "
                      + "\(grouped(report.withoutDate)) row\(report.withoutDate == 1 ? "" : "s") without a date")
                print("Stored for \(campaign): \(grouped(coverage.stored)), of which \(grouped(coverage.inLedger)) are people in its ledger")
                if !known { print("note: \(campaign) is not launched yet: the outcome report needs its ledger entries") }
            }
        }
    }
}
