import Foundation
import OutreachCore
import OutreachStore
import Testing

/// A launch keeps its word: what was launched is sent, whatever happens to the files afterwards, until the
/// officer applies the change with `update`; `diff` shows what changed; a broken or deleted file blocks
/// nothing launched; a cancelled campaign is sent again with `relaunch`, as a new generation.
@Suite("Launched versions through the CLI")
struct LaunchedVersionTests {
    /// The example project without quiet hours or a frequency cap (these tests run at the real time of day,
    /// and send one person several messages), plus campaign `notice` on template `notice`.
    func project(schedule: String = "") throws -> URL {
        let dir = try CLIRunner.copyOfExampleProject()
        let configuration = try String(contentsOf: dir.appendingPathComponent("outreach.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "quiet_hours: \"22:00-09:00\"", with: "")
            .replacingOccurrences(of: "frequency_cap: {messages: 2, per: 7d}", with: "")
        try CLIRunner.write(configuration, to: "outreach.yaml", in: dir)
        try CLIRunner.write("""
            title: notice
            audience: mothers_of_infants
            template: notice
            channel: sms
            gateway: outbox
            sender: MOH
            \(schedule)
            """, to: "campaigns/notice.yaml", in: dir)
        try template("NOTICE-ONE", in: dir)
        return dir
    }

    func template(_ word: String, in dir: URL) throws {
        try CLIRunner.write("""
            title: notice
            channel: sms
            text: "\(word) {first_name}"
            """, to: "templates/notice.yaml", in: dir)
    }

    /// The outbox's messages, as (text, id) pairs.
    func outbox(_ dir: URL) throws -> [String] {
        let text = (try? String(contentsOf: dir.appendingPathComponent("out/outbox.jsonl"), encoding: .utf8)) ?? ""
        return try text.split(separator: "\n").map {
            ((try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["text"] as? String) ?? ""
        }
    }

    func run(_ arguments: [String], in dir: URL, rc: Int32 = 0) throws -> CLIRunner.Output {
        let out = try CLIRunner.run(arguments, in: dir)
        #expect(out.status == rc, "\(arguments): \(out.stderr)\(out.stdout)")
        return out
    }

    @Test("send --now and send --test of a launched campaign send its launched version, not the files edited since")
    func sendNowSendsTheLaunchedVersion() throws {
        let dir = try project()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try run(["launch", "notice", "--yes"], in: dir)
        try template("NOTICE-TWO", in: dir)
        _ = try run(["send", "notice", "--now"], in: dir)
        let sent = try outbox(dir)
        #expect(!sent.isEmpty)
        #expect(sent.allSatisfy { $0.hasPrefix("NOTICE-ONE ") }, "\(sent)")
        // A test send shows staff what the audience gets: the launched version too.
        _ = try run(["send", "notice", "--test", "--to", "0550000000"], in: dir)
        let tests = try outbox(dir).dropFirst(sent.count)
        #expect(!tests.isEmpty)
        #expect(tests.allSatisfy { $0.hasPrefix("NOTICE-ONE ") }, "\(tests)")
    }

    @Test("an edit to a launched campaign's template is not sent; diff shows it (rc 1) and status shows the version")
    func editAfterLaunch() throws {
        let dir = try project()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try run(["launch", "notice", "--yes"], in: dir)
        var out = try run(["diff", "notice"], in: dir)
        #expect(out.stdout.contains("No changes since launched version 1"))
        try template("NOTICE-TWO", in: dir)
        out = try run(["run", "--once"], in: dir)
        #expect(!out.stderr.contains("rehearsal"))
        let sent = try outbox(dir)
        #expect(!sent.isEmpty)
        #expect(sent.allSatisfy { $0.hasPrefix("NOTICE-ONE ") }, "\(sent)")

        out = try run(["diff", "notice"], in: dir, rc: 1)
        #expect(out.stdout.contains("--- templates/notice.yaml\t(launched version 1)"))
        #expect(out.stdout.contains("+++ templates/notice.yaml\t(on disk)"))
        #expect(out.stdout.contains("-text: \"NOTICE-ONE {first_name}\""))
        #expect(out.stdout.contains("+text: \"NOTICE-TWO {first_name}\""))
        out = try run(["status", "notice"], in: dir)
        #expect(out.stdout.contains("v1"), "\(out.stdout)")
        out = try run(["diff", "back_to_school"], in: dir, rc: 1)
        #expect(out.stderr.contains("is a draft"))
    }

    @Test("update applies the edit from the next occurrence on; an update failing validate's checks is refused")
    func update() throws {
        let dir = try project(schedule: """
            schedule:
              start: 2027-01-10T10:00
              repeat: {every: 1d, times: 3}
            """)
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try run(["launch", "notice", "--yes", "--at", "2027-01-10T06:00:00Z"], in: dir)
        _ = try run(["run", "--live", "--once", "--at", "2027-01-10T07:05:00Z"], in: dir)
        let first = try outbox(dir)
        #expect(!first.isEmpty && first.allSatisfy { $0.hasPrefix("NOTICE-ONE ") })

        // A sender validate refuses is refused by update too, and nothing is stored.
        let campaign = try String(contentsOf: dir.appendingPathComponent("campaigns/notice.yaml"), encoding: .utf8)
        try CLIRunner.write(campaign.replacingOccurrences(of: "sender: MOH", with: "sender: MinistryOfHealth"), to: "campaigns/notice.yaml", in: dir)
        var out = try run(["update", "notice", "--yes", "--at", "2027-01-10T08:00:00Z"], in: dir, rc: 1)
        #expect(out.stderr.contains("update refused"), "\(out.stderr)")
        try CLIRunner.write(campaign, to: "campaigns/notice.yaml", in: dir)

        try template("NOTICE-TWO", in: dir)
        out = try run(["update", "notice", "--yes", "--at", "2027-01-10T08:00:00Z"], in: dir)
        #expect(out.stdout.contains("templates/notice.yaml: changed (+1 -1 lines)"), "\(out.stdout)")
        #expect(out.stdout.contains("Updated 'notice' to version 2"))
        out = try run(["diff", "notice"], in: dir)
        #expect(out.stdout.contains("No changes since launched version 2"))
        out = try run(["update", "notice", "--yes", "--at", "2027-01-10T08:30:00Z"], in: dir)
        #expect(out.stdout.contains("nothing to update"))

        _ = try run(["run", "--live", "--once", "--at", "2027-01-11T07:05:00Z"], in: dir)
        let all = try outbox(dir)
        let second = Array(all.dropFirst(first.count))
        #expect(second.count == first.count)
        #expect(second.allSatisfy { $0.hasPrefix("NOTICE-TWO ") }, "\(second)")
        out = try run(["report", "notice", "--csv"], in: dir)
        #expect(out.stdout.contains("\n#1,") && out.stdout.contains("\n#2,"))   // the same keys: nobody gets #1 twice
    }

    @Test("an audience rule changed after launch changes nobody's membership until update")
    func audienceFrozen() throws {
        let dir = try project()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try run(["launch", "notice", "--yes"], in: dir)
        // Now nobody: mothers_of_infants whose youngest child is over 200 years old.
        try CLIRunner.write("where: IN AUDIENCE mothers AND age(youngest_child_birth_date) > 200\n",
                            to: "audiences/mothers_of_infants.yaml", in: dir)
        var out = try run(["diff", "notice"], in: dir, rc: 1)
        #expect(out.stdout.contains("+++ audiences/mothers_of_infants.yaml"))
        out = try run(["run", "--once"], in: dir)
        #expect(!(try outbox(dir)).isEmpty, "\(out.stdout)\(out.stderr)")
    }

    @Test("a launched campaign whose file is deleted is still listed by status and report, and run still sends it")
    func deletedFile() throws {
        let dir = try project()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try run(["launch", "notice", "--yes"], in: dir)
        try FileManager.default.removeItem(at: dir.appendingPathComponent("campaigns/notice.yaml"))
        try FileManager.default.removeItem(at: dir.appendingPathComponent("templates/notice.yaml"))
        var out = try run(["status"], in: dir)
        #expect(out.stdout.contains("notice: file missing; running the launched version 1"), "\(out.stdout)")
        out = try run(["status", "notice", "--json"], in: dir)
        #expect(out.stdout.contains("\"file\" : \"missing\""), "\(out.stdout)")
        out = try run(["report", "notice"], in: dir)
        #expect(out.stdout.contains("file missing; running the launched version 1"))
        // Still in the officer's hands without its file: paused and resumed by name.
        _ = try run(["pause", "notice"], in: dir)
        _ = try run(["resume", "notice"], in: dir)
        out = try run(["run", "--once"], in: dir)
        #expect(out.stderr.contains("campaign 'notice': file missing; running the launched version 1"), "\(out.stderr)")
        let sent = try outbox(dir)
        #expect(!sent.isEmpty && sent.allSatisfy { $0.hasPrefix("NOTICE-ONE ") })
        out = try run(["diff", "notice"], in: dir, rc: 1)
        #expect(out.stdout.contains("campaigns/notice.yaml: deleted on disk"))
    }

    @Test("a YAML syntax error in a draft's file is one warning line; run still sends the launched campaign")
    func brokenDraft() throws {
        let dir = try project()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try run(["launch", "notice", "--yes"], in: dir)
        try CLIRunner.write("title: [broken\naudience: mothers\n", to: "campaigns/draft_bad.yaml", in: dir)
        var out = try run(["run", "--once"], in: dir)
        let warnings = out.stderr.split(separator: "\n").filter { $0.contains("draft_bad.yaml") }
        #expect(warnings.count == 1 && warnings[0].hasPrefix("warning: campaigns/draft_bad.yaml not loaded"), "\(out.stderr)")
        #expect(!(try outbox(dir)).isEmpty)
        out = try run(["status"], in: dir)
        #expect(out.stdout.contains("notice"))
        // Launching another campaign is not blocked by the draft either; the broken one itself cannot be.
        _ = try run(["launch", "vaccination_email", "--yes"], in: dir)
        out = try run(["launch", "draft_bad", "--yes"], in: dir, rc: 1)
        #expect(out.stderr.contains("invalid YAML"))
    }

    @Test("a cancelled campaign is relaunched (launch says to) and sends again under new generation keys")
    func relaunch() throws {
        let dir = try project()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try run(["launch", "notice", "--yes"], in: dir)
        _ = try run(["cancel", "notice"], in: dir)
        var out = try run(["launch", "notice", "--yes"], in: dir, rc: 1)
        #expect(out.stderr.contains("outreach relaunch notice"), "\(out.stderr)")
        out = try run(["update", "notice", "--yes"], in: dir, rc: 1)
        #expect(out.stderr.contains("only a launched or paused campaign can be updated"))
        out = try run(["relaunch", "notice", "--yes"], in: dir)
        #expect(out.stdout.contains("Relaunched 'notice' as version 2, generation 2"), "\(out.stdout)")
        _ = try run(["run", "--once"], in: dir)
        let once = try outbox(dir)
        #expect(!once.isEmpty)
        // Completed now: relaunched again, everyone gets it once more, under generation 3's keys.
        out = try run(["relaunch", "notice", "--yes"], in: dir)
        #expect(out.stdout.contains("generation 3"))
        _ = try run(["run", "--once"], in: dir)
        #expect(try outbox(dir).count == 2 * once.count)
        out = try run(["report", "notice", "--csv"], in: dir)
        let occurrences = Set(out.stdout.split(separator: "\n").dropFirst().compactMap { $0.split(separator: ",").first.map(String.init) })
        #expect(occurrences == ["g2:#1", "g3:#1", "all"], "\(out.stdout)")
    }

    @Test("a campaign launched before versions were kept is adopted by the first run: its files become version 1")
    func adopted() async throws {
        let dir = try project()
        defer { try? FileManager.default.removeItem(at: dir) }
        // What an older outreach left: the campaign launched in the ledger, no version stored.
        let ledger = try SQLiteLedger(path: dir.appendingPathComponent(".outreach/ledger.sqlite").path)
        try await ledger.setCampaignState("notice", to: .launched, at: Date())
        #expect(try await ledger.latestVersion(campaign: "notice") == nil)

        var out = try await CLIRunner.runOffPool(["run", "--once"], in: dir)
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stderr.contains("campaign 'notice' was launched before versions were kept"), "\(out.stderr)")
        #expect(!(try outbox(dir)).isEmpty)
        let version = try await ledger.latestVersion(campaign: "notice")
        #expect(version?.number == 1 && version?.kind == .adopted)
        #expect(version?.source(.template, "notice")?.text.contains("NOTICE-ONE") == true)
        out = try await CLIRunner.runOffPool(["diff", "notice"], in: dir)
        #expect(out.status == 0)
    }
}
