import ArgumentParser
import Foundation
import OutreachApp
import OutreachCore
import OutreachProject

/// `outreach audience list|count|members`.
struct AudienceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audience",
        abstract: "Count and list the members of audiences.",
        subcommands: [List.self, Count.self, Members.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every audience with its title and member count.")
        @OptionGroup var options: ProjectOptions
        @Flag(name: .long, help: "Print as JSON.") var json = false

        struct Row: Encodable { var name: String; var title: String; var description: String; var count: Int }

        func run() throws {
            try reportingErrors {
                let workspace = try options.load()
                let counted = try workspace.audienceCounts(nil)
                let rows = counted.audiences
                if json { try printJSON(rows); return }
                let width = max(8, rows.map(\.name.count).max() ?? 0) + 2
                print("\(padded("AUDIENCE", width))\(padded("COUNT", 12))TITLE")
                for r in rows { print("\(padded(r.name, width))\(padded(grouped(r.count), 12))\(r.title)") }
                print("population: \(grouped(counted.population)) records, evaluated on \(workspace.today.iso)")
            }
        }
    }

    struct Count: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "How many people are in an audience.")
        @OptionGroup var options: ProjectOptions
        @Argument(help: "Audience name (file name in audiences/ without .yaml).") var name: String
        @Flag(name: .long, help: "Print {\"audience\": NAME, \"count\": N}.") var json = false

        struct Result: Encodable { var audience: String; var count: Int }

        func run() throws {
            try reportingErrors {
                let workspace = try options.load()
                let count = try workspace.audienceCounts([name]).audiences[0]
                if json { try printJSON(Result(audience: count.name, count: count.count)) } else { print(count.count) }
            }
        }
    }

    struct Members: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The members of an audience: ids, CSV or JSON Lines.")
        @OptionGroup var options: ProjectOptions
        @Argument(help: "Audience name.") var name: String
        @Option(name: .long, help: "ids (one per line), csv or jsonl.") var format: MemberFormat = .ids
        @Flag(name: .long, help: "With --format csv: write cells starting with = + - @ as they are (by default they get a leading ' so a spreadsheet does not run them as formulas).")
        var keepFormulas = false

        enum MemberFormat: String, ExpressibleByArgument, CaseIterable { case ids, csv, jsonl }

        func run() throws {
            try reportingErrors {
                let workspace = try options.load()
                let name = try workspace.audienceName(self.name)
                let (population, _) = try workspace.population()
                let members = try workspace.catalog().evaluate(name, over: population, today: workspace.today)
                var out = OutputBuffer()
                switch format {
                case .ids:
                    for row in members.rows { out.line(population.id(row: row)) }
                case .csv:
                    let guarding = !keepFormulas
                    out.line(population.fieldNames.map { CSVCell.escaped($0, guardingFormulas: guarding) }.joined(separator: ","))
                    for row in members.rows {
                        out.line(population.fieldNames.map {
                            CSVCell.escaped(population.value(row: row, field: $0)?.description ?? "", guardingFormulas: guarding)
                        }.joined(separator: ","))
                    }
                case .jsonl:
                    for row in members.rows {
                        let parts = population.fieldNames.map { field -> String in
                            "\(jsonString(field)):\(jsonValue(population.value(row: row, field: field)))"
                        }
                        out.line("{" + parts.joined(separator: ",") + "}")
                    }
                }
                out.flush()
            }
        }
    }
}

extension Workspace {
    struct AudienceTally {
        var audiences: [AudienceCommand.List.Row]
        /// Records in the population.
        var population: Int
    }

    /// How many people are in each audience (`names` nil: every audience, by name): what `audience list`,
    /// `audience count` and `outreach serve`'s API answer. An unknown name is an `unknownName` error.
    func audienceCounts(_ names: [String]?) throws(OutreachError) -> AudienceTally {
        var checked: [String]?
        if let names {
            checked = []
            for name in names { checked?.append(try audienceName(name)) }
        }
        let catalog = try catalog()
        let (population, _) = try population(fields: catalog.referencedFields)
        let names = checked ?? catalog.names.sorted()
        let sets = try catalog.evaluate(names, over: population, today: today)
        let rows = names.map { name in
            let d = catalog.definition(name)!
            return AudienceCommand.List.Row(name: name, title: d.title, description: d.description, count: sets[name]!.count)
        }
        return AudienceTally(audiences: rows, population: population.count)
    }
}

func jsonString(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
        }
    }
    return out + "\""
}

func jsonValue(_ value: Value?) -> String {
    switch value {
    case nil: return "null"
    case .int(let i)?: return String(i)
    case .decimal(let d)?: return d.isFinite ? String(d) : "null"
    case .bool(let b)?: return b ? "true" : "false"
    case let v?: return jsonString(v.description)
    }
}
