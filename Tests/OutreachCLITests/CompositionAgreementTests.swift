import Foundation
import Testing

/// One path from preview to send: for every bundled campaign over a
/// generated population of 100,000 people — with opt-outs by phone and by
/// email, and people sharing an address — what `preview` counts is what
/// `send --dry-run` counts and what the scheduler records, reason by reason.
@Suite("Preview, send and the scheduler agree", .serialized)
struct CompositionAgreementTests {
    static let today = "2026-11-29"

    /// The example project with 100k generated people, five of them sharing another's phone and email, and
    /// opt-outs: some phones, and some emails of people who also have a phone (person scope: no SMS either).
    static func project() async throws -> URL {
        let dir = try CLIRunner.copyOfExampleProject()
        #expect(try await CLIRunner.runOffPool(["generate-population", "100000", "--seed", "3", "--out", "data/pop.csv"], in: dir).status == 0)
        let path = dir.appendingPathComponent("data/pop.csv")
        var lines = try String(contentsOf: path, encoding: .utf8).split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let mobile = try #require(header.firstIndex(of: "mobile")), email = try #require(header.firstIndex(of: "email"))
        func cells(_ line: String) -> [String] { line.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        // Rows without quotes, with a phone and an email.
        let plain = lines.indices.dropFirst().filter { i in
            !lines[i].contains("\"") && !cells(lines[i])[mobile].isEmpty && !cells(lines[i])[email].isEmpty
        }
        for (n, i) in plain.prefix(5).enumerated() {
            var copy = cells(lines[i])
            copy[0] = String(1_900_000_000 + n)          // another person at the same phone and email
            lines.append(copy.joined(separator: ","))
        }
        try (lines.joined(separator: "\n") + "\n").write(to: path, atomically: true, encoding: .utf8)
        let optOuts = plain.dropFirst(5).prefix(40).map { cells(lines[$0])[mobile] } + plain.dropFirst(45).prefix(40).map { cells(lines[$0])[email] }
        try (optOuts.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("optouts.txt"), atomically: true, encoding: .utf8)
        let imported = try await CLIRunner.runOffPool(["optout", "import", "optouts.txt"], in: dir)
        #expect(imported.status == 0, "\(imported.stderr)")
        return dir
    }

    private func object(_ out: CLIRunner.Output) throws -> [String: Any] {
        #expect(out.status == 0, "\(out.stderr)")
        return try #require(try CLIRunner.json(out) as? [String: Any])
    }

    /// reason → count from `[{reason, count, examples}]`.
    private func reasons(_ value: Any?) -> [String: Int] {
        var result: [String: Int] = [:]
        for item in value as? [[String: Any]] ?? [] { result[item["reason"] as! String, default: 0] += item["count"] as! Int }
        return result
    }

    @Test("every bundled campaign: preview and send --dry-run count the same, reason by reason")
    func previewEqualsSend() async throws {
        let dir = try await Self.project()
        defer { try? FileManager.default.removeItem(at: dir) }
        let campaigns = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("campaigns").path)
            .filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
        #expect(campaigns.count >= 4)
        var optedOut = 0, duplicates = 0
        for name in campaigns {
            let common = ["--population", "data/pop.csv", "--today", Self.today]
            let preview = try object(try await CLIRunner.runOffPool(["preview", name, "--json"] + common, in: dir))
            let send = try object(try await CLIRunner.runOffPool(["send", name, "--dry-run", "--json"] + common, in: dir))
            let segments = preview["segments"] as! [[String: Any]]
            #expect(preview["recipients"] as? Int == send["targeted"] as? Int, "\(name)")
            #expect(preview["ready"] as? Int == send["ready"] as? Int, "\(name)")
            #expect(preview["optedOut"] as? Int == send["optedOut"] as? Int, "\(name)")
            #expect(preview["duplicateAddresses"] as? Int == send["duplicateAddresses"] as? Int, "\(name)")
            #expect(preview["totalParts"] as? Int == send["parts"] as? Int, "\(name)")
            var unreachable: [String: Int] = [:], failures: [String: Int] = [:]
            for s in segments {
                unreachable.merge(reasons(s["unreachable"]), uniquingKeysWith: +)
                failures.merge(reasons(s["renderFailures"]), uniquingKeysWith: +)
            }
            #expect(unreachable == reasons(send["unreachableReasons"]), "\(name)")
            #expect(failures == reasons(send["renderFailureReasons"]), "\(name)")
            optedOut += preview["optedOut"] as? Int ?? 0
            duplicates += preview["duplicateAddresses"] as? Int ?? 0
        }
        #expect(optedOut > 0, "no campaign met an opt-out: the test proves nothing about them")
        #expect(duplicates > 0, "no campaign met a shared address")
    }

    @Test("the scheduler records what preview counted: messages, opt-outs (by person), shared addresses, unreachable")
    func previewEqualsScheduler() async throws {
        let dir = try await Self.project()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Sent once when `run` picks it up, email first with SMS for those without one.
        try """
            title: everyone, email first
            audience: parents
            template: vaccination_email
            channel: email, sms
            gateway: outbox
            """.write(to: dir.appendingPathComponent("campaigns/everyone_now.yaml"), atomically: true, encoding: .utf8)
        // The SMS fallback's template, found by name beside the email one.
        try FileManager.default.copyItem(at: dir.appendingPathComponent("templates/vaccination_reminder.yaml"),
                                         to: dir.appendingPathComponent("templates/vaccination_sms.yaml"))
        let at = "2026-11-29T06:00:00Z"
        let common = ["--population", "data/pop.csv"]
        let preview = try object(try await CLIRunner.runOffPool(["preview", "everyone_now", "--json", "--today", Self.today] + common, in: dir))
        #expect(try await CLIRunner.runOffPool(["launch", "everyone_now", "--yes", "--at", at, "--today", Self.today] + common, in: dir).status == 0)
        let run = try await CLIRunner.runOffPool(["run", "--live", "--once", "--at", at] + common, in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        let report = try object(try await CLIRunner.runOffPool(["report", "everyone_now", "--json"] + common, in: dir))
        let total = try #require(report["total"] as? [String: Any])
        let skipped = total["skipped"] as? [String: Int] ?? [:]
        let segments = preview["segments"] as! [[String: Any]]
        let unreachable = segments.reduce(0) { $0 + reasons($1["unreachable"]).values.reduce(0, +) }
        let failures = segments.reduce(0) { $0 + reasons($1["renderFailures"]).values.reduce(0, +) }

        #expect(total["targeted"] as? Int == preview["recipients"] as? Int)
        #expect(total["accepted"] as? Int == preview["ready"] as? Int)
        #expect(skipped["opted_out", default: 0] == preview["optedOut"] as? Int)
        #expect(skipped["duplicate_address", default: 0] == preview["duplicateAddresses"] as? Int)
        #expect(skipped["unreachable", default: 0] == unreachable)
        #expect(skipped["render_failed", default: 0] == failures)
        #expect((preview["optedOut"] as? Int ?? 0) > 0 && (preview["duplicateAddresses"] as? Int ?? 0) > 0)
        let byChannel = segments.reduce(into: [String: Int]()) { $0.merge($1["byChannel"] as? [String: Int] ?? [:], uniquingKeysWith: +) }
        #expect((byChannel["sms"] ?? 0) > 0 && (byChannel["email"] ?? 0) > 0, "\(byChannel)")   // the fallback is previewed
    }

    @Test("an email opt-out stops SMS to the same person (opt_out_scope: person, the default); with address scope it does not")
    func optOutScope() async throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Sara (1012345678) is due a vaccination reminder by SMS; her email opts out.
        #expect(try await CLIRunner.runOffPool(["optout", "add", "sara.q@example.sa"], in: dir).status == 0)
        let person = try object(try await CLIRunner.runOffPool(["send", "vaccination_round", "--dry-run", "--json", "--today", Self.today], in: dir))
        #expect(person["optedOut"] as? Int == 1)
        let preview = try object(try await CLIRunner.runOffPool(["preview", "vaccination_round", "--json", "--today", Self.today], in: dir))
        #expect(preview["optedOut"] as? Int == 1 && preview["ready"] as? Int == person["ready"] as? Int)

        let config = dir.appendingPathComponent("outreach.yaml")
        try (try String(contentsOf: config, encoding: .utf8) + "\nopt_out_scope: address\n").write(to: config, atomically: true, encoding: .utf8)
        let address = try object(try await CLIRunner.runOffPool(["send", "vaccination_round", "--dry-run", "--json", "--today", Self.today], in: dir))
        #expect(address["optedOut"] as? Int == 0)
        #expect(address["ready"] as? Int == (person["ready"] as? Int ?? 0) + 1)
    }
}
