import Foundation
import Testing

/// `outreach optout` end to end: the built binary on a copy of the example
/// project, writing a real ledger in its `.outreach/` folder.
@Suite("CLI: optout add, remove, list, import")
struct OptOutTests {
    private func project() throws -> URL {
        let dir = try CLIRunner.temporaryDirectory()
        try FileManager.default.copyItem(at: CLIRunner.packageRoot.appendingPathComponent("outreach.yaml"),
                                         to: dir.appendingPathComponent("outreach.yaml"))
        return dir
    }

    private func listed(in dir: URL) throws -> [[String: Any]] {
        let out = try CLIRunner.run(["optout", "list", "--json"], in: dir)
        #expect(out.status == 0, "\(out.stderr)")
        return try #require(try CLIRunner.json(out) as? [[String: Any]])
    }

    @Test("add normalises any phone form; adding again says so; remove takes it off")
    func addListRemove() throws {
        let dir = try project()
        defer { try? FileManager.default.removeItem(at: dir) }
        let add = try CLIRunner.run(["optout", "add", "٠٥١ ٢٣٤ ٥٦٧٨", "--reason", "طلب عبر الهاتف"], in: dir)
        #expect(add.status == 0, "\(add.stderr)")
        #expect(add.stdout == "opted out: +966512345678 (sms)\n")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(".outreach/ledger.sqlite").path))
        let again = try CLIRunner.run(["optout", "add", "00966512345678"], in: dir)
        #expect(again.stdout == "already opted out: +966512345678 (sms)\n")
        let email = try CLIRunner.run(["optout", "add", "Hind@Example.COM"], in: dir)
        #expect(email.stdout == "opted out: hind@example.com (email)\n")

        let rows = try listed(in: dir)
        #expect(rows.map { $0["address"] as? String } == ["+966512345678", "hind@example.com"])
        #expect(rows[0]["reason"] as? String == "طلب عبر الهاتف")
        #expect(rows[0]["source"] as? String == "cli")
        let text = try CLIRunner.run(["optout", "list"], in: dir)
        #expect(text.stdout.contains("+966512345678     sms"))
        #expect(text.stdout.hasSuffix("2 opted out\n"))

        let remove = try CLIRunner.run(["optout", "remove", "+966 51 234 5678"], in: dir)
        #expect(remove.status == 0 && remove.stdout == "removed: +966512345678\n")
        let missing = try CLIRunner.run(["optout", "remove", "0512345678"], in: dir)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("is not on the suppression list"))
        #expect(try listed(in: dir).count == 1)
    }

    @Test("a value that is neither a mobile nor an email is refused with a hint, and nothing is written")
    func badAddress() throws {
        let dir = try project()
        defer { try? FileManager.default.removeItem(at: dir) }
        for bad in ["12345", "+96641234567", "hind@example"] {
            let out = try CLIRunner.run(["optout", "add", bad], in: dir)
            #expect(out.status == 1)
            #expect(out.stderr.hasPrefix("error: '\(bad)' is not a mobile number or an email address"), "\(out.stderr)")
            #expect(!out.stderr.contains("Fatal"))
        }
        #expect(try listed(in: dir).isEmpty)
    }

    @Test("outside a project the default ledger is refused; --ledger FILE works anywhere")
    func ledgerLocation() throws {
        let dir = try CLIRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let refused = try CLIRunner.run(["optout", "list"], in: dir)
        #expect(refused.status == 1 && refused.stderr.contains("no outreach.yaml"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent(".outreach").path))
        let file = dir.appendingPathComponent("elsewhere/suppression.sqlite").path
        #expect(try CLIRunner.run(["optout", "add", "0512345678", "--ledger", file], in: dir).status == 0)
        let listed = try CLIRunner.run(["optout", "list", "--ledger", file], in: dir)
        #expect(listed.stdout.hasSuffix("1 opted out\n"))
        let notALedger = dir.appendingPathComponent("not-a-ledger.sqlite")
        try "hello".write(to: notALedger, atomically: true, encoding: .utf8)
        let broken = try CLIRunner.run(["optout", "list", "--ledger", notALedger.path], in: dir)
        #expect(broken.status == 1)
        #expect(broken.stderr.contains("is not an SQLite database"), "\(broken.stderr)")
    }

    @Test("import reads one per line or a CSV first column, reports rejects with line numbers")
    func importFile() throws {
        let dir = try project()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try CLIRunner.run(["optout", "add", "0500000001"], in: dir)
        let csv = "\u{FEFF}رقم الجوال,الاسم\r\n0500000001,already\r\n\"+966 50 000 0002\",quoted\r\n12345,bad\r\n\r\n"
            + "omar@moh.example,email\r\n٠٥٠٠٠٠٠٠٠٢,repeat\r\n,empty\r\n+966 (0)50 000 0003,last"
        try csv.write(to: dir.appendingPathComponent("stop.csv"), atomically: true, encoding: .utf8)
        let out = try CLIRunner.run(["optout", "import", "stop.csv", "--json"], in: dir)
        #expect(out.status == 0, "\(out.stderr)")
        let report = try #require(try CLIRunner.json(out) as? [String: Any])
        #expect(report["records_read"] as? Int == 8)
        #expect(report["added"] as? Int == 3)
        #expect(report["already_opted_out"] as? Int == 1)
        #expect(report["duplicates_in_file"] as? Int == 1)
        #expect(report["rejected"] as? Int == 2)
        let rejects = try #require(report["rejects"] as? [[String: Any]])
        #expect(rejects.map { $0["line"] as? Int } == [4, 8])
        #expect(rejects.first?["value"] as? String == "12345")

        let text = try CLIRunner.run(["optout", "import", "stop.csv", "--strict"], in: dir)
        #expect(text.status == 1)
        #expect(text.stdout.contains("0 added, 4 already opted out"))
        #expect(text.stdout.contains("header skipped: \"رقم الجوال\""))
        #expect(text.stdout.contains("line 4: \"12345\""))
        let rows = try listed(in: dir)
        #expect(Set(rows.compactMap { $0["address"] as? String })
                == ["+966500000001", "+966500000002", "+966500000003", "omar@moh.example"])
        #expect(rows.contains { $0["source"] as? String == "import:stop.csv" })
    }

    @Test("a missing import file is a clean error")
    func missingFile() throws {
        let dir = try project()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try CLIRunner.run(["optout", "import", "nope.txt"], in: dir)
        #expect(out.status == 1 && out.stderr.contains("cannot read nope.txt"))
    }
}
