import Foundation
import Testing

/// Templates, locales and rules a user can write never crash the CLI and
/// say what they mean: the cases of issue #16, run through the binary.
@Suite("CLI on templates, locales and rules")
struct TemplateAndRuleInputTests {
    private func write(_ text: String, to relative: String, in dir: URL) throws {
        let url = dir.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    @Test("render in ar-u-nu-arab and ar-SA-u-nu-arab gives Arabic-Indic digits (it was SIGILL)")
    func arabicDigitsLocale() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try CLIRunner.run(["render", "--text", "{n}", "--data", #"{"n":1}"#, "--locale", "ar-u-nu-arab"], in: dir)
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout == "١\n")
        let date = try CLIRunner.run(["render", "--text", "{n, number} {d, date, long}", "--data", #"{"n":1234.5,"d":"2025-12-02"}"#,
                                      "--locale", "ar-SA-u-nu-arab"], in: dir)
        #expect(date.status == 0, "\(date.stderr)")
        #expect(date.stdout == "١٬٢٣٤٫٥ ١١ جمادى الآخرة، ١٤٤٧ هـ\n")
    }

    @Test("an unsupported calendar is an error, not a crash")
    func unsupportedCalendar() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try CLIRunner.run(["render", "--text", "{d, date, short}", "--data", #"{"d":"2025-12-02"}"#, "--locale", "ar-u-ca-foo"], in: dir)
        #expect(out.status == 1)
        #expect(out.stderr.contains("calendar 'foo' is not supported"), "\(out.stderr)")
    }

    @Test("a misspelt template field fails validate at its line and column, suggesting the field")
    func unknownTemplateField() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        try write("title: Typo\nchannel: sms\nar:\n  text: \"{salutation_resident} {firstname}، مرحبا\"\n", to: "templates/typo.yaml", in: dir)
        let out = try CLIRunner.run(["validate"], in: dir)
        #expect(out.status == 1)
        #expect(out.stderr.contains("typo.yaml:4:33: error: template 'typo' uses unknown field 'firstname'"), "\(out.stderr)")
        #expect(out.stderr.contains("did you mean 'first_name'?"))
        // Built-in words are not fields: the bundled templates (which use them) still validate.
        try FileManager.default.removeItem(at: dir.appendingPathComponent("templates/typo.yaml"))
        let clean = try CLIRunner.run(["validate"], in: dir)
        #expect(clean.status == 0, "\(clean.stderr)")
    }

    @Test("a render failure names the field, never the recipient's value")
    func renderFailureKeepsTheValueOut() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for (text, data) in [("{d, date, short}", #"{"d":"MARKER-VALUE-1"}"#), ("{n, number}", #"{"n":"MARKER-VALUE-1"}"#)] {
            let out = try CLIRunner.run(["render", "--text", text, "--data", data, "--locale", "ar"], in: dir)
            #expect(out.status == 1)
            #expect(out.stderr.contains("cannot render"), "\(out.stderr)")
            #expect(!out.stderr.contains("MARKER") && !out.stdout.contains("MARKER"), "\(out.stderr)")
        }
    }

    @Test("3,000 nested plurals (render) and 5,000 nested selects (validate) are located errors")
    func deepTemplate() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        // 3,000 levels keep the argument under the kernel's 128 KB limit for one argument.
        let plurals = String(repeating: "{n, plural, one {", count: 3_000) + "#" + String(repeating: "} other {#}}", count: 3_000)
        let out = try CLIRunner.run(["render", "--text", plurals, "--data", #"{"n":1}"#, "--locale", "ar"], in: dir)
        #expect(out.status == 1)
        #expect(out.stderr.contains("--text:1:1089: error: plural nested more than 64 levels deep"), "\(out.stderr.prefix(300))")
        let deep = String(repeating: "{g, select, female {", count: 5_000) + "x" + String(repeating: "} other {o}}", count: 5_000)
        try write("title: Deep\nchannel: sms\nar:\n  text: \"\(deep)\"\n", to: "templates/deep.yaml", in: dir)
        let validate = try CLIRunner.run(["validate"], in: dir)
        #expect(validate.status == 1)
        #expect(validate.stderr.contains("deep.yaml:4:1290: error: select nested more than 64 levels deep"), "\(validate.stderr.prefix(300))")
    }

    @Test("10,000 nested parentheses are a located error; 9,000 ORs count right")
    func deepAndLongRules() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        let parens = String(repeating: "(", count: 10_000) + "student" + String(repeating: ")", count: 10_000)
        try write("title: Deep\ndescription: nested\nwhere: \(parens)\n", to: "audiences/deep.yaml", in: dir)
        let validate = try CLIRunner.run(["validate"], in: dir)
        #expect(validate.status == 1)
        #expect(validate.stderr.contains("deep.yaml:3:72: error: the rule nests more than 64 levels"), "\(validate.stderr.prefix(300))")
        try FileManager.default.removeItem(at: dir.appendingPathComponent("audiences/deep.yaml"))

        let ors = (0..<9_000).map { "children = \($0)" }.joined(separator: " OR ")
        try write("title: Listed\ndescription: generated from a list\nwhere: \(ors)\n", to: "audiences/listed.yaml", in: dir)
        try write("title: Any\ndescription: the same people\nwhere: children >= 0\n", to: "audiences/any_children.yaml", in: dir)
        let listed = try CLIRunner.run(["audience", "count", "listed", "--json", "--today", "2026-01-01"], in: dir)
        let reference = try CLIRunner.run(["audience", "count", "any_children", "--json", "--today", "2026-01-01"], in: dir)
        #expect(listed.status == 0, "\(listed.stderr.prefix(300))")
        let count = try #require(try CLIRunner.json(listed) as? [String: Any])["count"] as? Int
        let expected = try #require(try CLIRunner.json(reference) as? [String: Any])["count"] as? Int
        #expect(count == expected)
        #expect((count ?? 0) > 0)
    }
}
