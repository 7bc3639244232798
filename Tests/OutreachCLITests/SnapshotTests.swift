import Foundation
import Testing

/// `outreach snapshot` and `--population FILE.snap`, end to end: the
/// snapshot gives what the CSV gives (counts, members, rendered messages).
@Suite("CLI snapshot and render-all")
struct SnapshotTests {
    static let today = ["--today", "2026-11-29"]

    /// A generated population and its snapshot in a fresh folder.
    static func generated() throws -> (csv: String, snap: String) {
        let dir = try CLIRunner.temporaryDirectory()
        let csv = dir.appendingPathComponent("people.csv").path
        let snap = dir.appendingPathComponent("people.snap").path
        let gen = try CLIRunner.run(["generate-population", "3000", "--seed", "5", "--out", csv] + today)
        #expect(gen.status == 0, "\(gen.stderr)")
        let made = try CLIRunner.run(["snapshot", "--population", csv, "--json"])
        #expect(made.status == 0, "\(made.stderr)")
        let object = try #require(try CLIRunner.json(made) as? [String: Any])
        #expect(object["file"] as? String == snap)
        #expect(object["rows"] as? Int ?? 0 > 2_900)
        return (csv, snap)
    }

    @Test("audience list, count and members: the same from the snapshot")
    func sameAudiences() throws {
        let (csv, snap) = try Self.generated()
        let a = try CLIRunner.run(["audience", "list", "--json", "--population", csv] + Self.today)
        let b = try CLIRunner.run(["audience", "list", "--json", "--population", snap] + Self.today)
        #expect(a.status == 0 && b.status == 0, "\(a.stderr)\(b.stderr)")
        #expect(a.stdout == b.stdout)
        let c = try CLIRunner.run(["audience", "count", "holy_cities", "--population", snap] + Self.today)
        #expect(c.stdout != "0\n" && c.status == 0)
        for format in ["ids", "csv", "jsonl"] {
            let m1 = try CLIRunner.run(["audience", "members", "residents", "--format", format, "--population", csv] + Self.today)
            let m2 = try CLIRunner.run(["audience", "members", "residents", "--format", format, "--population", snap] + Self.today)
            #expect(m1.stdout == m2.stdout && !m1.stdout.isEmpty, "\(format)")
        }
    }

    @Test("render-all writes the same messages from the CSV and from the snapshot")
    func sameMessages() throws {
        let (csv, snap) = try Self.generated()
        let dir = URL(fileURLWithPath: csv).deletingLastPathComponent()
        var texts: [String] = []
        for (i, population) in [csv, snap].enumerated() {
            let out = dir.appendingPathComponent("messages-\(i).txt").path
            let run = try CLIRunner.run(["render-all", "vaccination_reminder", "--audience", "parents", "--ids",
                                         "--out", out, "--json", "--population", population] + Self.today)
            #expect(run.status == 0, "\(run.stderr)")
            let object = try #require(try CLIRunner.json(run) as? [String: Any])
            #expect(object["messages"] as? Int ?? 0 > 100)
            texts.append(try String(contentsOfFile: out, encoding: .utf8))
        }
        #expect(texts[0] == texts[1])
        #expect(texts[0].contains("وزارة الصحة"))
    }

    @Test("preview reads a snapshot too")
    func preview() throws {
        let (csv, snap) = try Self.generated()
        let a = try CLIRunner.run(["preview", "back_to_school", "--json", "--population", csv] + Self.today)
        let b = try CLIRunner.run(["preview", "back_to_school", "--json", "--population", snap] + Self.today)
        #expect(a.status == 0 && b.status == 0, "\(b.stderr)")
        #expect(a.stdout == b.stdout)
    }

    @Test("a stale or damaged snapshot is a clean error")
    func badSnapshots() throws {
        let (csv, snap) = try Self.generated()
        let dir = URL(fileURLWithPath: csv).deletingLastPathComponent()
        let schema = dir.appendingPathComponent("other-schema.yaml").path
        try "id: national_id\nfields:\n  children: text\n".write(toFile: schema, atomically: true, encoding: .utf8)
        let stale = try CLIRunner.run(["audience", "list", "--population", snap, "--schema", schema] + Self.today)
        #expect(stale.status == 1)
        #expect(stale.stderr.contains("'children' is int in the snapshot but text in the schema"), "\(stale.stderr)")

        let cut = dir.appendingPathComponent("cut.snap").path
        let bytes = try Data(contentsOf: URL(fileURLWithPath: snap))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: cut))
        let damaged = try CLIRunner.run(["audience", "list", "--population", cut] + Self.today)
        #expect(damaged.status == 1)
        #expect(damaged.stderr.contains("outreach snapshot"), "\(damaged.stderr)")
        #expect(!damaged.stderr.contains("Fatal"))

        let missing = try CLIRunner.run(["audience", "list", "--population", dir.appendingPathComponent("none.snap").path] + Self.today)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("cannot open snapshot"))
    }
}
