import Foundation
import Testing

/// What the CLI prints means what it says: dates a program can read, costs
/// in the channel's own unit, summaries whose lines belong together, and CSV
/// that a spreadsheet opens without running anything.
@Suite("Output that means what it says")
struct OutputFormatTests {
    let at = "2026-11-29T06:00:00Z"   // 09:00 in Riyadh, the project's zone

    private func write(_ text: String, to relative: String, in dir: URL) throws {
        try CLIRunner.write(text, to: relative, in: dir)
    }

    @Test("status --json and report --json give dates as ISO 8601 with the project's offset")
    func isoDates() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try CLIRunner.run(["launch", "vaccination_round", "--today", "2026-11-29", "--at", at, "--yes"], in: dir).status == 0)
        let status = try #require(try CLIRunner.json(try CLIRunner.run(["status", "vaccination_round", "--json"], in: dir)) as? [[String: Any]])
        let launched = try #require(status.first?["launchedAt"] as? String, "\(status)")
        #expect(launched == "2026-11-29T09:00:00.000+03:00")
        let parsed = try #require(ISO8601DateFormatter.withFractions.date(from: launched))
        #expect(parsed == ISO8601DateFormatter().date(from: at))

        let report = try #require(try CLIRunner.json(try CLIRunner.run(["report", "vaccination_round", "--json"], in: dir)) as? [String: Any])
        #expect(report["launchedAt"] as? String == launched)
    }

    @Test("an email campaign's report counts emails, not SMS parts")
    func emailReport() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        let gateways = try String(contentsOf: dir.appendingPathComponent("gateways.yaml"), encoding: .utf8)
        try write(gateways.replacingOccurrences(of: "gateways:\n", with: """
            gateways:
              mail_outbox:
                type: file
                path: out/mail.jsonl
                channel: email

            """), to: "gateways.yaml", in: dir)
        try write("""
            title: email only
            audience: mothers_of_infants
            template: vaccination_email
            channel: email
            gateway: mail_outbox
            """, to: "campaigns/email_only.yaml", in: dir)
        #expect(try CLIRunner.run(["launch", "email_only", "--today", "2026-11-29", "--at", at, "--yes"], in: dir).status == 0)
        #expect(try CLIRunner.run(["run", "--live", "--once", "--at", at], in: dir).status == 0)
        let mail = try String(contentsOf: dir.appendingPathComponent("out/mail.jsonl"), encoding: .utf8)
            .split(separator: "\n").count
        #expect(mail > 0)

        let text = try CLIRunner.run(["report", "email_only"], in: dir)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(!text.stdout.contains("SMS parts"), "\(text.stdout)")
        #expect(text.stdout.contains("emails sent: \(mail)"), "\(text.stdout)")

        let json = try #require(try CLIRunner.json(try CLIRunner.run(["report", "email_only", "--json"], in: dir)) as? [String: Any])
        let total = try #require(json["total"] as? [String: Any])
        #expect(total["parts"] as? Int == 0)
        #expect(total["emails"] as? Int == mail)
    }

    @Test("send's summary keeps render-failure reasons under render failures, and speaks of --limit only when given")
    func sendSummary() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Mothers without a vaccination date cannot be rendered with this template.
        try write("title: t\naudience: mothers\ntemplate: vaccination_reminder\nchannel: sms\ngateway: outbox\nsender: MOH\n",
                  to: "campaigns/t.yaml", in: dir)
        #expect(try CLIRunner.run(["optout", "add", "+966551234567"], in: dir).status == 0)
        let out = try CLIRunner.run(["send", "t", "--dry-run", "--today", "2026-11-29"], in: dir)
        #expect(out.status == 0, "\(out.stderr)")
        let lines = out.stdout.split(separator: "\n").map(String.init)
        let failures = try #require(lines.firstIndex { $0.hasPrefix("  render failures") }, "\(out.stdout)")
        let optedOut = try #require(lines.firstIndex { $0.hasPrefix("  opted out 1") }, "\(out.stdout)")
        let reason = try #require(lines.firstIndex { $0.contains("missing next_vaccination") }, "\(out.stdout)")
        #expect(failures < reason && reason < optedOut, "\(out.stdout)")
        #expect(!out.stdout.contains("--limit"), "\(out.stdout)")

        let limited = try CLIRunner.run(["send", "t", "--dry-run", "--today", "2026-11-29", "--limit", "2"], in: dir)
        #expect(limited.stdout.contains("limited to 2 of 5 by --limit"), "\(limited.stdout)")
    }

    @Test("audience members --format csv neutralises formula cells; --keep-formulas writes them as they are")
    func csvFormulas() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        try write("""
            national_id,first_name,gender,mobile
            1000000001,"=HYPERLINK(""http://x"",""y"")",female,+966551234567
            1000000002,@SUM(A1),female,0551234568
            1000000003,-2+3,female,0551234569
            1000000004,سارة,female,0551234570
            """, to: "data/formulas.csv", in: dir)
        try write("title: everyone\nwhere: gender = 'female'\n", to: "audiences/everyone_f.yaml", in: dir)
        let out = try CLIRunner.run(["audience", "members", "everyone_f", "--format", "csv", "--population", "data/formulas.csv"], in: dir)
        #expect(out.status == 0, "\(out.stderr)")
        let rows = out.stdout.split(separator: "\n").map(String.init)
        #expect(rows.contains { $0.hasPrefix("1000000001,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",") }, "\(out.stdout)")
        #expect(rows.contains { $0.hasPrefix("1000000002,\"'@SUM(A1)\",") }, "\(out.stdout)")
        #expect(rows.contains { $0.hasPrefix("1000000003,\"'-2+3\",") }, "\(out.stdout)")
        #expect(rows.contains { $0.hasPrefix("1000000004,سارة,female,") }, "\(out.stdout)")
        // No cell starts with a formula character.
        for row in rows.dropFirst() {
            for cell in row.split(separator: ",") { #expect(!"=+-@".contains(cell.first ?? " "), "\(row)") }
        }

        let raw = try CLIRunner.run(["audience", "members", "everyone_f", "--format", "csv", "--population", "data/formulas.csv",
                                     "--keep-formulas"], in: dir)
        #expect(raw.stdout.contains("1000000002,@SUM(A1),"), "\(raw.stdout)")
    }

    @Test("gateway test shows a bad address's CR/LF escaped: one line, nothing forged")
    func gatewayTestEscapes() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try CLIRunner.run(["gateway", "test", "outbox", "--to", "0551234567\r\nOutcome: accepted\u{1B}[2J"], in: dir)
        #expect(out.status == 1)
        #expect(out.stderr.contains("0551234567\\r\\nOutcome: accepted\\u{1b}[2J"), "\(out.stderr)")
        #expect(!out.stderr.contains("\u{1B}") && !out.stderr.contains("\r"))
        #expect(!out.stdout.contains("Outcome:"))
    }
}

extension ISO8601DateFormatter {
    static var withFractions: ISO8601DateFormatter {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f
    }
}
