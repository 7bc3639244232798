import ArgumentParser
import Foundation
import OutreachApp
import OutreachCore
import OutreachProject
import OutreachStore

/// `outreach generate-outcomes CAMPAIGN --out FILE`: a synthetic outcome file for a launched campaign's
/// people, with a planted effect (`OutcomeGenerator`), for the demo and tests. Hidden: not for real data.
struct GenerateOutcomes: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate-outcomes",
        abstract: "Write a synthetic outcome CSV for a campaign's people, with a planted effect (demo and tests).",
        shouldDisplay: false)

    @OptionGroup var options: ProjectOptions
    @Argument(help: "Campaign name.") var campaign: String
    @Option(name: .long, help: "Output CSV file.") var out: String
    @Option(name: .long, help: "The outcome column.") var field: String = "vaccinated_on"
    @Option(name: .long, help: "Outcome rate without the message (0 to 1).") var base: Double = 0.3
    @Option(name: .long, help: "Added to the rate of the messaged (0 to 1).") var uplift: Double = 0.05
    @Option(name: .long, parsing: .upToNextOption, help: "A variant's own uplift, TEMPLATE=RATE (repeatable).") var variantUplift: [String] = []
    @Option(name: .long, help: "Random seed.") var seed: UInt64 = 1
    @Option(name: .long, help: "Ledger file.") var ledger: String?
    @Flag(name: .long, help: "Add a few broken rows (a bad date, a blank id, a repeated id), as registry exports have.") var messy = false

    func run() async throws {
        try await reportingErrors {
            let workspace = try options.load()
            let store = try workspace.openLedger(ledger)
            let version = try await store.latestVersion(campaign: campaign)
            let window = try version.flatMap { try? LaunchWorkspace(options).launched($0).campaign }?.attribution
                ?? workspace.campaignDefinition(campaign).attribution
            var generator = OutcomeGenerator(baseRate: base, uplift: uplift, window: window, seed: seed)
            for item in variantUplift {
                let pair = item.split(separator: "=", maxSplits: 1)
                guard pair.count == 2, let rate = Double(pair[1]) else {
                    throw OutreachError(.invalidValue, "--variant-uplift '\(item)' is not TEMPLATE=RATE", hint: "e.g. --variant-uplift vax_warm=0.08")
                }
                generator.variantUplift[String(pair[0])] = rate
            }
            let zone = TimeZone(identifier: workspace.project.configuration.timeZone) ?? .current
            let people = try await store.measuredPeople(campaign: campaign, field: field)
            var text = "\(workspace.project.schema.idField),\(field)\n"
            var written = 0
            for person in people {
                guard let day = generator.outcome(for: person, zone: zone, fallback: workspace.today) else { continue }
                text += "\(CSVCell.escaped(person.id)),\(day.iso)\n"
                written += 1
            }
            if messy, let first = people.first {
                text += "1999999999,not-a-date\n,2026-12-01\n\(CSVCell.escaped(first.id)),2026-12-02\n"
            }
            let file = try PrivateFile.openForWriting(out)
            defer { fclose(file) }
            _ = text.utf8CString.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count - 1, file) }
            print("\(out): \(grouped(written)) outcomes for \(grouped(people.count)) people of \(campaign)")
        }
    }
}
