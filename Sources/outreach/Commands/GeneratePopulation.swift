import ArgumentParser
import Foundation
import OutreachCore
import OutreachProject

/// `outreach generate-population N --out FILE`: a realistic, messy,
/// synthetic population (no personal data) for demos and benchmarks.
struct GeneratePopulation: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate-population",
        abstract: "Write a synthetic, realistically messy population CSV (and optionally its schema).")

    @Argument(help: "Number of records.")
    var count: Int

    @Option(name: .long, help: "Output CSV file.")
    var out: String

    @Option(name: .long, help: "Random seed: the same seed gives the same file.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "Reference date YYYY-MM-DD for ages and upcoming dates (default: today, UTC).")
    var today: String?

    @Option(name: .long, help: "Also write the matching schema YAML here.")
    var schemaOut: String?

    func run() throws {
        try reportingErrors {
            guard count >= 0 else { throw OutreachError(.invalidValue, "the record count must be 0 or more") }
            let day: Day
            if let today {
                guard let d = Day(iso: today) else { throw OutreachError(.invalidValue, "--today '\(today)' is not a date (YYYY-MM-DD)") }
                day = d
            } else {
                day = Day(daysSinceEpoch: Int32(Date().timeIntervalSince1970 / 86_400))
            }
            let file = try PrivateFile.openForWriting(out)
            var generator = PopulationGenerator(seed: seed, today: day)
            var buffer: [UInt8] = []
            buffer.reserveCapacity(1 << 20)
            buffer.append(contentsOf: PopulationGenerator.header.utf8)
            buffer.append(0x0A)
            for _ in 0..<count {
                buffer.append(contentsOf: generator.nextLine().utf8)
                buffer.append(0x0A)
                if buffer.count >= 1 << 20 {
                    buffer.withUnsafeBytes { _ = fwrite($0.baseAddress, 1, $0.count, file) }
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            buffer.withUnsafeBytes { _ = fwrite($0.baseAddress, 1, $0.count, file) }
            guard fclose(file) == 0 else { throw OutreachError(.io, "cannot finish writing \(out)") }
            if let schemaOut {
                do { try PopulationGenerator.schemaYAML.write(toFile: schemaOut, atomically: true, encoding: .utf8) }
                catch { throw OutreachError(.io, "cannot write \(schemaOut): \(error.localizedDescription)") }
            }
            printError("wrote \(grouped(count)) records to \(out)")
        }
    }
}
