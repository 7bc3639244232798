import ArgumentParser
import Foundation
import OutreachApp
import OutreachCore
import OutreachProject
import OutreachStore

/// `outreach optout add|remove|list|import`: the suppression list. An
/// opted-out address is never sent anything, whatever a campaign says.
struct OptOutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optout",
        abstract: "Manage the suppression list: addresses that are never sent anything.",
        subcommands: [Add.self, Remove.self, List.self, Import.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Opt out a mobile number (any form the population accepts) or an email address.")
        @OptionGroup var options: LedgerOptions
        @Argument(help: "A mobile number (05…, +9665…, 009665…, Arabic-Indic digits) or an email address.")
        var address: String
        @Option(name: .long, help: "Why (kept with the entry).") var reason: String?
        @Option(name: .long, help: "Where the request came from.") var source = "cli"

        func run() async throws {
            try await reportingErrors {
                let address = try contactAddress(self.address)
                let ledger = try options.open()
                let added = try await ledger.addOptOut(OptOut(address: address, source: source, reason: reason, createdAt: Date()))
                print(added ? "opted out: \(address.value) (\(address.channel.rawValue))"
                            : "already opted out: \(address.value) (\(address.channel.rawValue))")
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take an address off the suppression list.")
        @OptionGroup var options: LedgerOptions
        @Argument(help: "The number or email address, in any form.") var address: String

        func run() async throws {
            try await reportingErrors {
                let address = try contactAddress(self.address)
                let ledger = try options.open()
                guard try await ledger.removeOptOut(address) else {
                    throw OutreachError(.unknownName, "\(address.value) is not on the suppression list",
                                        hint: "`outreach optout list` shows who is")
                }
                print("removed: \(address.value)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every opted-out address, oldest first.")
        @OptionGroup var options: LedgerOptions
        @Flag(name: .long, help: "Print as JSON.") var json = false

        struct Row: Encodable {
            var address: String
            var channel: String
            var source: String
            var reason: String?
            var createdAt: String
            enum CodingKeys: String, CodingKey { case address, channel, source, reason, createdAt = "created_at" }
        }

        func run() async throws {
            try await reportingErrors {
                let optOuts = try await options.open().optOuts()
                let iso = ISO8601DateFormatter()
                let rows = optOuts.map {
                    Row(address: $0.address, channel: $0.channel.rawValue, source: $0.source, reason: $0.reason,
                        createdAt: iso.string(from: $0.createdAt))
                }
                if json { try printJSON(rows); return }
                var out = OutputBuffer()
                if !rows.isEmpty {
                    let width = max(16, rows.map(\.address.count).max() ?? 0) + 2
                    let sourceWidth = max(6, rows.map(\.source.count).max() ?? 0) + 2
                    out.line("\(padded("ADDRESS", width))\(padded("CHANNEL", 9))\(padded("SINCE (UTC)", 22))\(padded("SOURCE", sourceWidth))REASON")
                    for row in rows {
                        let line = "\(padded(row.address, width))\(padded(row.channel, 9))\(padded(row.createdAt, 22))"
                            + "\(padded(row.source, sourceWidth))\(row.reason ?? "")"
                        out.line(String(line.reversed().drop(while: { $0 == " " }).reversed()))
                    }
                }
                out.line("\(grouped(rows.count)) opted out")
            }
        }
    }
}

/// Where the ledger (and its suppression list) is: the project's (outreach.yaml
/// `ledger:`, default `.outreach/ledger.sqlite`), or `--ledger FILE`.
struct LedgerOptions: ParsableArguments {
    @Option(name: .long, help: "Project folder (holds outreach.yaml).")
    var project: String = "."

    @Option(name: .long, help: "Ledger file, instead of PROJECT/.outreach/ledger.sqlite.")
    var ledger: String?

    func open() throws(OutreachError) -> SQLiteLedger {
        if let ledger { return try SQLiteLedger(path: ledger) }
        // Do not scatter ledgers: the default one belongs to a project.
        guard FileManager.default.fileExists(atPath: URL(fileURLWithPath: project).appendingPathComponent("outreach.yaml").path) else {
            throw OutreachError(.missingFile, "no outreach.yaml in \(project)",
                                hint: "run this in a project folder, or pass --project DIR or --ledger FILE")
        }
        return try StoreLocation(configuration: try ProjectLoader.configuration(root: project), root: project).openSQLite()
    }
}

/// The normalised address, or a located-as-possible error saying what is accepted.
func contactAddress(_ raw: String) throws(OutreachError) -> ContactAddress {
    guard let address = ContactAddress(raw) else {
        throw OutreachError(.invalidValue, "'\(raw)' is not a mobile number or an email address",
                            hint: "write a Saudi mobile as 05XXXXXXXX or +9665XXXXXXXX, other countries with + or 00")
    }
    return address
}

