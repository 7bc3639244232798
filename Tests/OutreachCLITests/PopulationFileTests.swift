import Foundation
import Testing

/// Population files through the commands a user runs: CRLF files in
/// `validate`, rules naming data values, and no population value in any
/// output beyond the one an error or rejection is about.
struct PopulationFileTests {
    private func write(_ text: String, to relative: String, in dir: URL) throws {
        let url = dir.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    /// The bundled project with its population rewritten with CRLF line ends.
    private func crlfProject() throws -> URL {
        let dir = try CLIRunner.copyOfExampleProject()
        let file = dir.appendingPathComponent("data/sample-population.csv")
        let text = try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: "\r\n", with: "\n")
        try Data(text.replacingOccurrences(of: "\n", with: "\r\n").utf8).write(to: file)
        return dir
    }

    @Test("validate reads a CRLF population's header: the project is ok, and a rule naming a data value is an unknown field")
    func validateOnCRLF() throws {
        let dir = try crlfProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        let ok = try CLIRunner.run(["validate"], in: dir)
        #expect(ok.status == 0, "\(ok.stderr)")

        // «سارة» is a first name in the file, not a column; `frist_name` is a typo.
        try write("title: t\ndescription: d\nwhere: سارة IS NOT EMPTY\n", to: "audiences/value.yaml", in: dir)
        try write("title: t\ndescription: d\nwhere: frist_name IS NOT EMPTY\n", to: "audiences/typo.yaml", in: dir)
        let bad = try CLIRunner.run(["validate"], in: dir)
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("audiences/value.yaml:3:8: error: unknown field 'سارة'"))
        #expect(bad.stderr.contains("audiences/typo.yaml:3:8: error: unknown field 'frist_name'"))
        #expect(bad.stderr.contains("did you mean 'first_name'?"))
        // The field list holds the header's names only: no phone, no other name.
        #expect(!bad.stderr.contains("0551234567") && !bad.stderr.contains("نورة"))
    }

    @Test("validate says when the population's header splits on another delimiter, once, without a cascade")
    func validateNamesTheDelimiter() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("data/sample-population.csv")
        let text = try String(contentsOf: file, encoding: .utf8)
        try Data(text.replacingOccurrences(of: ",", with: ";").utf8).write(to: file)
        let out = try CLIRunner.run(["validate"], in: dir)
        #expect(out.status == 1)
        #expect(out.stderr.contains("the header has no id column \"national_id\"; the header splits better on ';' (18 columns) than on ',' (1)"))
        #expect(out.stderr.contains("hint: set `delimiter: \";\"` in the schema"))
        #expect(out.stderr.contains("1 error(s)"))

        try write(try String(contentsOf: dir.appendingPathComponent("schema.yaml"), encoding: .utf8) + "delimiter: \";\"\n", to: "schema.yaml", in: dir)
        let fixed = try CLIRunner.run(["validate"], in: dir)
        #expect(fixed.status == 0, "\(fixed.stderr)")
    }

    @Test("an unknown schema encoding or delimiter is located")
    func schemaKeysAreChecked() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        let schema = try String(contentsOf: dir.appendingPathComponent("schema.yaml"), encoding: .utf8)
        try write(schema + "encoding: latin-9\n", to: "schema.yaml", in: dir)
        let out = try CLIRunner.run(["validate"], in: dir)
        #expect(out.status == 1)
        #expect(out.stderr.contains("schema.yaml:23:11: error: unknown encoding 'latin-9'"), "\(out.stderr)")
        #expect(out.stderr.contains("utf-8, windows-1256, iso-8859-6, utf-16"))
    }

    @Test("import-check: records swallowed by an unclosed quote are counted and fail the command; values are escaped")
    func importCheckQuotesAndEscapes() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        var csv = "national_id,first_name\n"
        for n in 1...4 { csv += "\(n),n\(n)\n" }
        csv += "5,\"Na\u{1B}]0;pwned\u{7}\nline 2: forged\n6,x\n7,y\n8,z\n9,w\n10,v\n11,u\n"
        try write(csv, to: "p.csv", in: dir)
        try write("id: national_id\n", to: "s.yaml", in: dir)
        let out = try CLIRunner.run(["import-check", "--population", "p.csv", "--schema", "s.yaml"], in: dir)
        #expect(out.status == 1)
        // Lines 6–13: the quoted line, the line after it, and records 6 to 11.
        #expect(out.stdout.contains("12 rows read, 4 imported, 8 rejected"), "\(out.stdout)")
        #expect(out.stdout.contains("line 6: the quote opened on line 6 is never closed: 8 records lost (lines 6–13)"))
        #expect(out.stderr.contains("a quote left open swallowed 8 record(s)"))
        #expect(!out.stdout.contains("\u{1B}") && !out.stdout.contains("\u{7}"))

        // A value that would print a forged report line and colour the terminal.
        try write("national_id,kids,first_name\n1,\"3\nline 2: forged\u{1B}[31m\",a\n2,4,N\u{0}me\n", to: "q.csv", in: dir)
        try write("id: national_id\nfields:\n  kids: int\n", to: "s2.yaml", in: dir)
        let escaped = try CLIRunner.run(["import-check", "--population", "q.csv", "--schema", "s2.yaml"], in: dir)
        #expect(!escaped.stdout.contains("\u{1B}") && !escaped.stdout.contains("\u{0}"))
        #expect(escaped.stdout.contains(#"line 2: "3\nline 2: forged\u{1b}[31m""#), "\(escaped.stdout)")
        #expect(escaped.stdout.contains(#"line 4: "N\u{0}me" (control character U+0000 (NUL) at byte 2)"#), "\(escaped.stdout)")
        #expect(!escaped.stdout.split(separator: "\n").contains { $0.hasPrefix("line 2") })
    }

    @Test("records lost to an unclosed quote stop every command that segments or sends, located; import-check still reports")
    func lostRecordsStopSending() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("data/sample-population.csv")
        // Launched while the file was whole; the scheduler must not send on the broken one either.
        let launched = try CLIRunner.run(["launch", "vaccination_round", "--yes"], in: dir)
        #expect(launched.status == 0, "\(launched.stderr)")
        var text = try String(contentsOf: file, encoding: .utf8)
        if !text.hasSuffix("\n") { text += "\n" }
        let brokenLine = text.split(separator: "\n", omittingEmptySubsequences: false).count
        // A first name opens a quote that never closes: it and the two records after it are lost.
        text += "2000000001,\"هند,الزهراني,F\n2000000002,منى,الشمري,F\n2000000003,ريم,الحربي,F\n"
        try Data(text.utf8).write(to: file)
        for args in [["preview", "vaccination_round"], ["send", "vaccination_round", "--dry-run"], ["plan", "vaccination_round"],
                     ["audience", "count", "mothers_of_infants"], ["snapshot", "--out", "p.snap"],
                     ["launch", "back_to_school", "--yes"], ["run", "--once"]] {
            let out = try CLIRunner.run(args, in: dir)
            #expect(out.status == 1, "\(args): \(out.stdout) \(out.stderr)")
            #expect(out.stderr.contains("sample-population.csv:\(brokenLine):1: error: a quote left open swallowed 3 record(s)"),
                    "\(args): \(out.stderr)")
            #expect(out.stderr.contains("nothing was segmented or sent"), "\(args)")
        }
        // Nothing more was launched, nothing was queued or sent.
        let status = try CLIRunner.run(["status", "--json"], in: dir)
        #expect(status.stdout.contains("\"draft\""), "\(status.stdout)")
        let report = try CLIRunner.run(["report", "vaccination_round", "--json"], in: dir)
        #expect(report.stdout.contains("\"targeted\" : 0"), "\(report.stdout)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("p.snap").path))
        let check = try CLIRunner.run(["import-check"], in: dir)
        #expect(check.status == 1)
        #expect(check.stdout.contains("is never closed"), "\(check.stdout)")
    }

    // MARK: - No population value leaks

    /// A project whose every population value is `PII_MARKER_<n>`, with
    /// broken rows of every kind. Returns the folder and the markers an
    /// output may show: only the offending values of rejections.
    private func markerProject() throws -> (URL, allowed: Set<String>) {
        let dir = try CLIRunner.temporaryDirectory()
        try write("""
            name: markers
            timezone: Asia/Riyadh
            locale: ar-SA
            population: {file: people.csv, schema: schema.yaml}
            contacts: {sms: mobile}
            """, to: "outreach.yaml", in: dir)
        try write("id: national_id\nfields:\n  mobile: phone\n  children: int\n  birth_date: date\n", to: "schema.yaml", in: dir)
        var n = 0
        func marker() -> String { n += 1; return "PII_MARKER_\(n)" }
        var allowed: Set<String> = []
        var csv = "national_id,first_name,city,mobile,children,birth_date\n"
        var firstID = ""
        for row in 0..<8 {
            let id = marker(), name = marker(), city = marker()
            let mobile = marker(), children = marker(), birth = marker()
            if row == 0 { firstID = id }
            // Typed values that are markers do not parse: each is a rejected value, shown as itself.
            allowed.formUnion([mobile, children, birth])
            csv += [id, name, city, mobile, children, birth].joined(separator: ",") + "\n"
        }
        // A duplicate id (the id is what that rejection is about).
        csv += [firstID, marker(), marker(), "", "", ""].joined(separator: ",") + "\n"
        allowed.insert(firstID)
        // A row with a column missing.
        csv += [marker(), marker(), marker(), marker(), marker()].joined(separator: ",") + "\n"
        // A NUL and an escape sequence in text values.
        let nul = marker(), escape = marker()
        csv += [marker(), nul + "\u{0}", "\u{1B}[2J" + escape, "", "", ""].joined(separator: ",") + "\n"
        allowed.formUnion([nul, escape])
        // An id that is not text.
        let badID = marker()
        csv += [badID + "\u{7}", marker(), marker(), "", "", ""].joined(separator: ",") + "\n"
        allowed.insert(badID)
        // A quote never closed, swallowing two records.
        csv += [marker(), "\"" + marker(), marker(), "", "", ""].joined(separator: ",") + "\n"
        csv += [marker(), marker(), marker(), "", "", ""].joined(separator: ",") + "\n"
        csv += [marker(), marker(), marker(), "", "", ""].joined(separator: ",") + "\n"
        // CRLF, as exports from Windows come (validate once read such a
        // file's every row as its header, and printed them as field names).
        try write(csv.replacingOccurrences(of: "\n", with: "\r\n"), to: "people.csv", in: dir)
        try write("title: all\ndescription: d\nwhere: national_id IS NOT EMPTY\n", to: "audiences/everyone.yaml", in: dir)
        try write("title: c\ndescription: d\nwhere: city IS NOT EMPTY AND children > 0\n", to: "audiences/parents.yaml", in: dir)
        return (dir, allowed)
    }

    private func markers(in text: String) -> Set<String> {
        let regex = /PII_MARKER_[0-9]+/
        return Set(text.matches(of: regex).map { String($0.output) })
    }

    @Test("no command prints a population value other than the one a rejection or error is about")
    func noMarkerLeaks() throws {
        let (dir, allowed) = try markerProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        var outputs: [(String, CLIRunner.Output)] = []
        func run(_ args: [String]) throws { outputs.append((args.joined(separator: " "), try CLIRunner.run(args, in: dir))) }

        try run(["validate"])
        try run(["import-check"])
        try run(["import-check", "--json"])
        try run(["audience", "count", "everyone"])
        try run(["audience", "list"])

        // Rules naming a data value as a field, and a typo.
        try write("title: t\ndescription: d\nwhere: PII_MARKER_2 IS NOT EMPTY\n", to: "audiences/value.yaml", in: dir)
        try write("title: t\ndescription: d\nwhere: citty = 'x'\n", to: "audiences/typo.yaml", in: dir)
        try write("title: t\ndescription: d\nwhere: children > 'PII_MARKER_5' AND birth_date = 3\n", to: "audiences/types.yaml", in: dir)
        try write("""
            title: c
            audience: value
            template: t
            channel: sms
            gateway: outbox
            """, to: "campaigns/c.yaml", in: dir)
        try write("title: t\nchannel: sms\nlocale: ar-SA\nar:\n  text: '{first_name}'\n", to: "templates/t.yaml", in: dir)
        try write("gateways:\n  outbox: {type: file, path: out/outbox.jsonl}\n", to: "gateways.yaml", in: dir)
        try run(["validate"])
        try run(["validate", "--json"])
        try run(["audience", "count", "value"])
        try run(["preview", "c"])

        // The rule's own words are the offending values of its errors.
        let ruleWords: Set<String> = ["PII_MARKER_2", "PII_MARKER_5"]
        if ProcessInfo.processInfo.environment["OUTREACH_SHOW_OUTPUTS"] != nil {
            for (command, output) in outputs { print("$ outreach \(command)\n\(output.stdout)\(output.stderr)") }
        }
        for (command, output) in outputs {
            let shown = markers(in: output.stdout + output.stderr)
            let leaked = shown.subtracting(allowed).subtracting(ruleWords)
            #expect(leaked.isEmpty, "\(command) printed population values \(leaked.sorted()):\n\(output.stdout)\n\(output.stderr)")
            #expect(!(output.stdout + output.stderr).contains("\u{1B}"), "\(command) printed a raw ESC")
        }
        // The checks ran and saw what they should have.
        let check = outputs[1].1
        #expect(check.status == 1)
        #expect(check.stdout.contains("15 rows read, 9 imported, 6 rejected"), "\(check.stdout)")
        #expect(outputs[5].1.stderr.contains("unknown field 'PII_MARKER_2'"))
        #expect(outputs[5].1.stderr.contains("did you mean 'city'?"))
    }
}
