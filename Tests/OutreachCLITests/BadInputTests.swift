import Foundation
import Testing

/// Broken project files never crash the CLI: each gives a located, readable
/// error and a non-zero exit.
@Suite("CLI on broken project files")
struct BadInputTests {
    private func write(_ text: String, to relative: String, in dir: URL) throws {
        let url = dir.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    @Test("an unknown field in a rule is located at file:line:column with a caret")
    func unknownFieldInRule() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        try write("title: Bad\ndescription: typo in a field\nwhere: gender = 'female' AND citty = 'جدة'\n", to: "audiences/bad.yaml", in: dir)
        let out = try CLIRunner.run(["validate"], in: dir)
        #expect(out.status == 1)
        #expect(out.stderr.contains("bad.yaml:3:30"), "\(out.stderr)")
        #expect(out.stderr.contains("citty"))
        #expect(out.stderr.contains("city"))     // the suggestion
        #expect(out.stderr.contains("^"))
    }

    @Test("unbalanced braces in a template are located")
    func unbalancedTemplate() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        try write("title: Broken\nchannel: sms\nar:\n  text: \"مرحبا {first_name\"\n", to: "templates/broken.yaml", in: dir)
        let out = try CLIRunner.run(["validate"], in: dir)
        #expect(out.status == 1)
        #expect(out.stderr.contains("broken.yaml:4:"), "\(out.stderr)")
    }

    @Test("broken YAML is reported with its line")
    func brokenYAML() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        try write("title: x\nwhere: [gender = 'female'\n", to: "audiences/broken.yaml", in: dir)
        let out = try CLIRunner.run(["validate"], in: dir)
        #expect(out.status == 1)
        #expect(out.stderr.contains("broken.yaml:"))
        #expect(out.stderr.contains("invalid YAML"))
    }

    @Test("an unknown key in a campaign is rejected with a suggestion")
    func unknownCampaignKey() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        try write("title: x\naudience: mothers\ntemplte: vaccination_reminder\n", to: "campaigns/typo.yaml", in: dir)
        let out = try CLIRunner.run(["validate"], in: dir)
        #expect(out.status == 1)
        #expect(out.stderr.contains("typo.yaml:3:1"), "\(out.stderr)")
        #expect(out.stderr.contains("did you mean 'template'"))
    }

    @Test("a campaign naming an unknown audience or a bad sender fails validation")
    func campaignReferences() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        try write("title: x\naudience: mothrs\ntemplate: vaccination_reminder\nsender: \"وزارة الصحة\"\n", to: "campaigns/refs.yaml", in: dir)
        let out = try CLIRunner.run(["validate"], in: dir)
        #expect(out.status == 1)
        #expect(out.stderr.contains("unknown audience 'mothrs'"))
        #expect(out.stderr.contains("did you mean 'mothers'"))
        #expect(out.stderr.contains("sender"))
    }

    @Test("an audience cycle is an error, not a hang")
    func audienceCycle() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        try write("title: a\nwhere: IN AUDIENCE loop_b\n", to: "audiences/loop_a.yaml", in: dir)
        try write("title: b\nwhere: IN AUDIENCE loop_a AND children > 0\n", to: "audiences/loop_b.yaml", in: dir)
        let out = try CLIRunner.run(["validate"], in: dir)
        #expect(out.status == 1)
        #expect(out.stderr.lowercased().contains("cycle"))
        let count = try CLIRunner.run(["audience", "count", "loop_a"], in: dir)
        #expect(count.status == 1)
    }

    @Test("a type mismatch in a rule is reported")
    func typeMismatch() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        try write("title: t\nwhere: age(city) > 3\n", to: "audiences/types.yaml", in: dir)
        let out = try CLIRunner.run(["validate"], in: dir)
        #expect(out.status == 1)
        #expect(out.stderr.contains("types.yaml:2:"))
    }

    @Test("an unknown type in the schema is located and does not cascade into every rule")
    func badSchemaType() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        try write("id: national_id\nfields:\n  gender: gendr\n", to: "schema.yaml", in: dir)
        let out = try CLIRunner.run(["validate"], in: dir)
        #expect(out.status == 1)
        #expect(out.stderr.contains("schema.yaml:3:11"), "\(out.stderr)")
        #expect(out.stderr.contains("did you mean 'gender'"))
        #expect(out.stderr.contains("1 error(s)"))
    }

    @Test("a missing population file says how to get one")
    func missingPopulation() throws {
        let out = try CLIRunner.run(["audience", "count", "mothers", "--population", "/nonexistent/people.csv"])
        #expect(out.status == 1)
        #expect(out.stderr.contains("/nonexistent/people.csv"))
    }

    @Test("a bad --today is rejected")
    func badToday() throws {
        let out = try CLIRunner.run(["audience", "count", "mothers", "--today", "2026-02-30"])
        #expect(out.status == 1)
        #expect(out.stderr.contains("--today"))
    }
}

/// The generator's output feeds the rest of the tool.
@Suite("CLI with a generated population")
struct GeneratedPopulationTests {
    @Test("generate, import-check, count, preview")
    func generatedRoundTrip() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("people.csv").path
        let schema = dir.appendingPathComponent("schema.yaml").path
        let gen = try CLIRunner.run(["generate-population", "20000", "--seed", "3", "--today", "2026-11-29", "--out", csv, "--schema-out", schema])
        #expect(gen.status == 0, "\(gen.stderr)")
        let again = dir.appendingPathComponent("again.csv").path
        _ = try CLIRunner.run(["generate-population", "20000", "--seed", "3", "--today", "2026-11-29", "--out", again])
        #expect(FileManager.default.contents(atPath: csv) == FileManager.default.contents(atPath: again), "same seed, same file")

        let check = try CLIRunner.run(["import-check", "--json", "--population", csv, "--schema", schema])
        #expect(check.status == 0, "\(check.stderr)")
        let report = try #require(try CLIRunner.json(check) as? [String: Any])
        let read = try #require(report["rowsRead"] as? Int)
        let imported = try #require(report["rowsImported"] as? Int)
        let rejected = try #require(report["totalRejectedRows"] as? Int)
        #expect(read == 20000)
        #expect(imported + rejected == read)
        #expect(imported > 19_900)

        let counts = try CLIRunner.run(["audience", "list", "--json", "--population", csv, "--schema", schema, "--today", "2026-11-29"])
        let rows = try #require(try CLIRunner.json(counts) as? [[String: Any]])
        let byName = Dictionary(uniqueKeysWithValues: rows.map { ($0["name"] as! String, $0["count"] as! Int) })
        #expect(byName["mothers"]! > 1000)
        #expect(byName["parents"]! == byName["mothers"]! + byName["fathers"]!)
        #expect(byName["residents"]! > 3000)
        #expect(byName["university_students"]! <= byName["students"]!)

        let preview = try CLIRunner.run(["preview", "residency_notice", "--json", "--population", csv, "--schema", schema, "--today", "2026-11-29"])
        #expect(preview.status == 0, "\(preview.stderr)")
        let p = try #require(try CLIRunner.json(preview) as? [String: Any])
        #expect((p["recipients"] as? Int ?? 0) > 100)
    }
}
