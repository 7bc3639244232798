import ArgumentParser
import Foundation
import OutreachCore
import OutreachStore

extension OptOutCommand {
    /// `outreach optout import FILE`: one address per line, or CSV with the
    /// addresses in the first column; rejects are reported with line numbers.
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Opt out every address in a file (one per line, or CSV first column).")
        @OptionGroup var options: LedgerOptions
        @Argument(help: "The file (UTF-8; a header line without digits is skipped).") var file: String
        @Option(name: .long, help: "Why (kept with every entry).") var reason: String?
        @Flag(name: .long, help: "Print the report as JSON.") var json = false
        @Flag(name: .long, help: "Exit non-zero when any line was rejected.") var strict = false

        struct Report: Encodable {
            var file: String
            var recordsRead: Int
            var added: Int
            var alreadyOptedOut: Int
            var duplicatesInFile: Int
            var rejected: Int
            var rejects: [OptOutList.Reject]
            enum CodingKeys: String, CodingKey {
                case file, added, rejected, rejects
                case recordsRead = "records_read"
                case alreadyOptedOut = "already_opted_out"
                case duplicatesInFile = "duplicates_in_file"
            }
        }

        func run() async throws {
            try await reportingErrors {
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw OutreachError(.missingFile, "cannot read \(file)")
                }
                let list = OptOutList(bytes: [UInt8](data))
                let ledger = try options.open()
                let now = Date()
                let source = "import:" + URL(fileURLWithPath: file).lastPathComponent
                var added = 0
                for start in stride(from: 0, to: list.items.count, by: 10_000) {
                    let chunk = list.items[start..<min(start + 10_000, list.items.count)]
                    added += try await ledger.addOptOuts(chunk.map {
                        OptOut(address: $0.address, source: source, reason: reason, createdAt: now)
                    })
                }
                let report = Report(file: file, recordsRead: list.recordsRead, added: added,
                                    alreadyOptedOut: list.items.count - added, duplicatesInFile: list.duplicates,
                                    rejected: list.rejects.count, rejects: list.rejects)
                if json {
                    try printJSON(report)
                } else {
                    var out = OutputBuffer()
                    out.line("\(file): \(grouped(report.recordsRead)) lines read, \(grouped(added)) added, "
                             + "\(grouped(report.alreadyOptedOut)) already opted out, \(grouped(report.duplicatesInFile)) repeated in the file, "
                             + "\(grouped(report.rejected)) rejected")
                    if let header = list.header { out.line("header skipped: \"\(header)\"") }
                    if !list.rejects.isEmpty {
                        out.line("Rejected lines:")
                        for reject in list.rejects.prefix(50) {
                            out.line("  line \(reject.line): \"\(reject.value)\" — \(reject.message)")
                        }
                        if list.rejects.count > 50 { out.line("  … and \(grouped(list.rejects.count - 50)) more (--json lists them all)") }
                    }
                }
                if strict && !list.rejects.isEmpty { throw ExitCode(1) }
            }
        }
    }
}
