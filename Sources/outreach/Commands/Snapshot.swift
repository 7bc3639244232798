import ArgumentParser
import Foundation
import OutreachCore
import OutreachProject

/// `outreach snapshot`: imports the population once and writes it as
/// Outreach's columnar snapshot, which every command then reads instead of
/// the CSV with `--population FILE.snap`.
struct Snapshot: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import the population once into a columnar snapshot (.snap) that commands read in a fraction of the time.",
        discussion: """
            Then pass --population FILE.snap to any command. The snapshot holds typed columns \
            (numbers, days, yes/no, genders), phones already in E.164 and Hijri dates already \
            converted, and text dictionary-encoded. Make it again when the population or the schema changes.
            """)

    @OptionGroup var options: ProjectOptions

    @Option(name: .long, help: "Snapshot file to write (default: the population file with .snap).")
    var out: String?

    @Flag(name: .long, help: "Print the summary as JSON.")
    var json = false

    struct Result: Encodable {
        var file: String
        var rows: Int
        var fields: Int
        var bytes: Int
        var seconds: Double
        var importReport: ImportReport
    }

    func run() throws {
        try reportingErrors {
            let started = DispatchTime.now()
            let workspace = try options.load()
            guard let source = workspace.project.populationPath else {
                throw OutreachError(.invalidProject, "no population file",
                                    hint: "set population.file in outreach.yaml or pass --population FILE")
            }
            let target = out ?? ((source as NSString).deletingPathExtension + "." + SnapshotFile.fileExtension)
            guard SnapshotFile.isSnapshot(target) else {
                throw OutreachError(.invalidValue, "--out '\(target)' must end in .\(SnapshotFile.fileExtension)",
                                    hint: "commands tell a snapshot from a CSV by that extension")
            }
            guard (target as NSString).standardizingPath != (source as NSString).standardizingPath else {
                throw OutreachError(.invalidValue, "the snapshot would overwrite its own source \(source)")
            }
            let (population, report) = try workspace.population()
            try SnapshotFile.write(population, to: target)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
            let bytes = (try? FileManager.default.attributesOfItem(atPath: target)[.size] as? Int) ?? 0
            if json {
                try printJSON(Result(file: target, rows: population.count, fields: population.fieldNames.count,
                                     bytes: bytes, seconds: seconds, importReport: report))
                return
            }
            print("\(target): \(grouped(population.count)) records, \(population.fieldNames.count) fields, \(grouped(bytes >> 20)) MiB (\(String(format: "%.2f", seconds)) s)")
            if report.totalRejectedRows > 0 || !report.rejectedValues.isEmpty {
                print("the import rejected \(grouped(report.totalRejectedRows)) rows and kept \(grouped(report.rejectedValues.reduce(0) { $0 + $1.count })) values as missing; `outreach import-check` shows them")
            }
        }
    }
}
