import Foundation
import OutreachCore
import OutreachStore
import Testing

/// Message variants and a held-out control group end to end: preview shows each variant and the holdout, launch
/// says who is held out, sending records each person's variant and never messages the held out — the same
/// people, the same variants, after a relaunch — and the report counts them.
@Suite("Variants and holdout through the CLI")
struct VariantsTests {
    /// The example project without quiet hours or a frequency cap, 2,000 generated people, and campaign `trial`:
    /// everyone with a mobile, split 50/50 between templates `short_v` and `warm_v` (each text names the
    /// recipient), 20% held out.
    func project() throws -> URL {
        let dir = try CLIRunner.copyOfExampleProject()
        let configuration = try String(contentsOf: dir.appendingPathComponent("outreach.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "quiet_hours: \"22:00-09:00\"", with: "")
            .replacingOccurrences(of: "frequency_cap: {messages: 2, per: 7d}", with: "")
        try CLIRunner.write(configuration, to: "outreach.yaml", in: dir)
        try CLIRunner.write("title: everyone with a mobile\nwhere: mobile IS NOT EMPTY\n", to: "audiences/everyone.yaml", in: dir)
        try CLIRunner.write("title: short\nchannel: sms\ntext: \"SHORT {national_id}\"\n", to: "templates/short_v.yaml", in: dir)
        try CLIRunner.write("title: warm\nchannel: sms\ntext: \"WARM {national_id}\"\n", to: "templates/warm_v.yaml", in: dir)
        try CLIRunner.write("""
            title: wording trial
            audience:
              - name: all
                audience: everyone
                variants:
                  - {template: short_v, weight: 50}
                  - {template: warm_v, weight: 50}
            holdout: 20%
            channel: sms
            gateway: outbox
            sender: MOH
            """, to: "campaigns/trial.yaml", in: dir)
        let out = try CLIRunner.run(["generate-population", "2000", "--seed", "5", "--out", "pop.csv"], in: dir)
        #expect(out.status == 0, "\(out.stderr)")
        return dir
    }

    func run(_ arguments: [String], in dir: URL, rc: Int32 = 0) throws -> CLIRunner.Output {
        let out = try CLIRunner.run(arguments + ["--population", "pop.csv"], in: dir)
        #expect(out.status == rc, "\(arguments): \(out.stderr)\(out.stdout)")
        return out
    }

    /// Recipient id → variant word (SHORT or WARM) of every message in the outbox, in order.
    func outbox(_ dir: URL) throws -> [(id: String, word: String)] {
        let text = (try? String(contentsOf: dir.appendingPathComponent("out/outbox.jsonl"), encoding: .utf8)) ?? ""
        return try text.split(separator: "\n").map {
            let body = ((try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["text"] as? String) ?? ""
            let words = body.split(separator: " ")
            return (String(words.last ?? ""), String(words.first ?? ""))
        }
    }

    @Test("preview, launch, run and relaunch: the held out are never messaged; a person's variant and group stay the same; report counts both")
    func endToEnd() async throws {
        let dir = try project()
        defer { try? FileManager.default.removeItem(at: dir) }

        // Preview: each variant with its share and samples, and the holdout.
        var out = try run(["preview", "trial"], in: dir)
        #expect(out.stdout.contains("-- variant short_v: weight 50%"), "\(out.stdout)")
        #expect(out.stdout.contains("-- variant warm_v: weight 50%"))
        #expect(out.stdout.contains("SHORT ") && out.stdout.contains("WARM "))
        #expect(out.stdout.contains("people not messaged (the control group, 20% of those who would be)"))
        out = try run(["preview", "trial", "--json"], in: dir)
        let preview = try #require(try CLIRunner.json(out) as? [String: Any])
        let segment = try #require((preview["segments"] as? [[String: Any]])?.first)
        let variants = try #require(segment["variants"] as? [[String: Any]])
        #expect(variants.map { $0["template"] as? String } == ["short_v", "warm_v"])
        let previewHeld = try #require(preview["heldOut"] as? Int)
        let ready = try #require(preview["ready"] as? Int)
        #expect(previewHeld > 0)
        // 20% of those who would be messaged, within what chance allows for ~2,000 people.
        let share = Double(previewHeld) / Double(previewHeld + ready)
        #expect(share > 0.15 && share < 0.25, "\(share)")

        // Launch says who is held out; the plan agrees with the preview.
        out = try run(["launch", "trial", "--yes"], in: dir)
        #expect(out.stdout.contains("holdout: \(String(previewHeld)) people not messaged"), "\(out.stdout)")
        _ = try run(["run", "--once"], in: dir)
        let first = try outbox(dir)
        #expect(first.count == ready)

        let ledger = try SQLiteLedger(path: dir.appendingPathComponent(".outreach/ledger.sqlite").path)
        let entries = try await ledger.entries(campaign: "trial", state: nil, limit: 1_000_000)
        let heldOut = entries.filter { $0.skipReason == .holdout }
        #expect(heldOut.count == previewHeld)
        #expect(heldOut.allSatisfy { $0.state == .skipped && $0.payload == nil && $0.variant != nil && !$0.address.isEmpty })
        // Every message's variant, as recorded, is the text it carried.
        var variantOf: [String: String] = [:]
        for entry in entries where entry.skipReason == nil || entry.skipReason == .holdout {
            variantOf[entry.recipientID] = try #require(entry.variant)
        }
        for (id, word) in first { #expect(variantOf[id] == (word == "SHORT" ? "short_v" : "warm_v"), "\(id) \(word)") }
        let heldIDs = Set(heldOut.map(\.recipientID))
        #expect(heldIDs.isDisjoint(with: first.map(\.id)))
        #expect(Set(heldOut.map(\.variant)) == ["short_v", "warm_v"])

        // Relaunched (completed now): a new generation, the same people held out, everyone else the same variant.
        out = try run(["relaunch", "trial", "--yes"], in: dir)
        #expect(out.stdout.contains("generation 2"), "\(out.stdout)")
        _ = try run(["run", "--once"], in: dir)
        let second = Array(try outbox(dir).dropFirst(first.count))
        #expect(Dictionary(second.map { ($0.id, $0.word) }, uniquingKeysWith: { a, _ in a })
                == Dictionary(first.map { ($0.id, $0.word) }, uniquingKeysWith: { a, _ in a }))
        let again = try await ledger.entries(campaign: "trial", state: .skipped, limit: 1_000_000)
            .filter { $0.skipReason == .holdout && $0.occurrence.hasPrefix("g2:") }
        #expect(Set(again.map(\.recipientID)) == heldIDs)

        // The report: per variant, and the holdout.
        out = try run(["report", "trial"], in: dir)
        #expect(out.stdout.contains("Holdout: \(String(2 * heldIDs.count)) people not messaged"), "\(out.stdout)")
        #expect(out.stdout.contains("short_v") && out.stdout.contains("warm_v"))
        out = try run(["report", "trial", "--json"], in: dir)
        let report = try #require(try CLIRunner.json(out) as? [String: Any])
        #expect(report["heldOut"] as? Int == 2 * heldIDs.count)
        let lines = try #require(report["variants"] as? [[String: Any]])
        let sentByVariant = Dictionary(uniqueKeysWithValues: lines.map { ($0["variant"] as? String ?? "", $0["sent"] as? Int ?? -1) })
        let shortSent = (first + second).filter { $0.word == "SHORT" }.count
        #expect(sentByVariant == ["short_v": shortSent, "warm_v": first.count + second.count - shortSent])
        #expect(lines.reduce(0) { $0 + ($1["heldOut"] as? Int ?? 0) } == 2 * heldIDs.count)
    }

    @Test("validate points at an unknown variant template; a launched version keeps every variant's template")
    func unknownTemplateAndVersion() async throws {
        let dir = try project()
        defer { try? FileManager.default.removeItem(at: dir) }
        let campaign = try String(contentsOf: dir.appendingPathComponent("campaigns/trial.yaml"), encoding: .utf8)
        try CLIRunner.write(campaign.replacingOccurrences(of: "template: warm_v", with: "template: wram_v"), to: "campaigns/trial.yaml", in: dir)
        var out = try CLIRunner.run(["validate"], in: dir)
        #expect(out.status == 1)
        #expect(out.stderr.contains("campaigns/trial.yaml:7:20: error: campaign 'trial' names unknown template 'wram_v'"), "\(out.stderr)")
        #expect(out.stderr.contains("did you mean 'warm_v'?"))
        try CLIRunner.write(campaign, to: "campaigns/trial.yaml", in: dir)
        out = try run(["launch", "trial", "--yes"], in: dir)
        let ledger = try SQLiteLedger(path: dir.appendingPathComponent(".outreach/ledger.sqlite").path)
        let version = try #require(try await ledger.latestVersion(campaign: "trial"))
        #expect(version.source(.template, "short_v")?.text.contains("SHORT") == true)
        #expect(version.source(.template, "warm_v")?.text.contains("WARM") == true)
    }
}
