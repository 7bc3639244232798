import Foundation
import Testing

/// Launches keep their word about time: a send whose time passed before the launch goes at the launch only
/// within `late_within`, and `plan` and `launch` say beforehand what `run` then does — tried as it was seen
/// failing: a launch a minute past a fixed `start`, and a relative `-7d` send due earlier the same day.
@Suite("Passed sends and late_within")
struct PassedSendsTests {
    private func object(_ out: CLIRunner.Output) throws -> [String: Any] {
        #expect(out.status == 0, "\(out.stderr)")
        return try #require(try CLIRunner.json(out) as? [String: Any])
    }

    /// The report line of one occurrence, if the ledger has any entry for it.
    private func line(_ report: [String: Any], occurrence: String) -> [String: Any]? {
        (report["lines"] as? [[String: Any]] ?? []).first { $0["occurrence"] as? String == occurrence }
    }

    @Test("a fixed start a minute before the launch: sent at launch within late_within, else not; plan said so, and its totals are what run records",
          arguments: [nil, "1h"] as [String?])
    func fixedStartJustMissed(late: String?) async throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        // 20:21 Riyadh is 17:21Z; weekly, so a second send lies ahead and the launch is not refused.
        try CLIRunner.write("""
            title: just missed
            audience: parents_of_school_children
            template: school_safety
            channel: sms
            gateway: outbox
            sender: MOE
            schedule:
              start: 2026-12-07T20:21
              repeat: {every: 7d, times: 2}
            \(late.map { "  late_within: \($0)\n" } ?? "")
            """, to: "campaigns/just_missed.yaml", in: dir)
        // An opted-out parent; the bundled population also has a parent without a usable phone.
        #expect(try await CLIRunner.runOffPool(["optout", "add", "0598765432"], in: dir).status == 0)
        let launch = "2026-12-07T17:22:00Z"

        let plan = try object(try await CLIRunner.runOffPool(["plan", "just_missed", "--json", "--at", launch, "--until", "2026-12-08"], in: dir))
        let sends = try #require(plan["sends"] as? [[String: Any]])
        #expect(sends.count == 1)
        let first = try #require(sends.first)
        #expect(first["local"] as? String == "2026-12-07 20:21")
        #expect(first["timing"] as? String == (late == nil ? "passed" : "late"))
        #expect((first["note"] as? String)?.contains(late == nil ? "not sent (no late_within)" : "sent at launch (within late_within 1h)") == true)
        let leftOut = first["leftOut"] as? [String: Int] ?? [:]
        #expect(leftOut["opted_out"] == 1 && leftOut["unreachable", default: 0] >= 1, "\(leftOut)")
        let messages = try #require(first["recipients"] as? Int)
        #expect(messages > 0)
        #expect(plan["messages"] as? Int == (late == nil ? 0 : messages))

        let launched = try await CLIRunner.runOffPool(["launch", "just_missed", "--yes", "--at", launch], in: dir)
        #expect(launched.status == 0, "\(launched.stderr)")
        #expect(launched.stdout.contains(late == nil ? "passed before launch — not sent (no late_within)"
                                                     : "passed — sent at launch (within late_within 1h)"), "\(launched.stdout)")
        let run = try await CLIRunner.runOffPool(["run", "--live", "--once", "--at", "2026-12-07T17:22:30Z"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        // Once launched, plan is for the campaign's own launch, whenever it is asked.
        let after = try object(try await CLIRunner.runOffPool(["plan", "just_missed", "--json", "--at", "2026-12-07T19:00:00Z",
                                                               "--from", "2026-12-07", "--until", "2026-12-08"], in: dir))
        #expect(after["launch"] as? String == launch)
        #expect((after["sends"] as? [[String: Any]])?.first?["timing"] as? String == first["timing"] as? String)
        let report = try object(try await CLIRunner.runOffPool(["report", "just_missed", "--json"], in: dir))
        if late == nil {
            #expect(line(report, occurrence: "#1") == nil, "a send passed before the launch was materialised")
            #expect((report["total"] as? [String: Any])?["targeted"] as? Int ?? 0 == 0)
        } else {
            // Everything plan counted for the one send that happens, reason by reason.
            let recorded = try #require(line(report, occurrence: "#1"))
            #expect(recorded["accepted"] as? Int == messages)
            #expect(recorded["skipped"] as? [String: Int] ?? [:] == leftOut)
            let total = try #require(report["total"] as? [String: Any])
            #expect(total["accepted"] as? Int == plan["messages"] as? Int)
            #expect(total["skipped"] as? [String: Int] ?? [:] == plan["leftOut"] as? [String: Int] ?? [:])
        }
    }

    @Test("a relative -7d send due earlier today: sent at launch within late_within, else not; plan and launch said so",
          arguments: [nil, "2d"] as [String?])
    func relativeDueEarlierToday(late: String?) async throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Ayesha's permit expires 2026-12-05: her -7d send was 2026-11-28 10:00 Riyadh (07:00Z). Her -30d send
        // (2026-11-05) and Rahul's (2026-11-20) passed more than 2 days before: never sent.
        let file = dir.appendingPathComponent("campaigns/residency_notice.yaml")
        var yaml = try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: "  late_within: 2d\n", with: "")
        if let late { yaml += "  late_within: \(late)\n" }
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        let launch = "2026-11-28T12:00:00Z"

        let plan = try object(try await CLIRunner.runOffPool(["plan", "residency_notice", "--json", "--at", launch], in: dir))
        #expect(plan["passed"] as? Int == 3)
        #expect(plan["passedSentLate"] as? Int == (late == nil ? 0 : 1))
        #expect(plan["passedNotSent"] as? Int == (late == nil ? 3 : 2))
        let sends = try #require(plan["sends"] as? [[String: Any]])
        let lateSends = sends.filter { $0["timing"] as? String == "late" }
        #expect(lateSends.map { $0["local"] as? String } == (late == nil ? [] : ["2026-11-28 10:00"]))
        #expect(lateSends.first?["recipients"] as? Int == (late == nil ? nil : 1))

        let launched = try await CLIRunner.runOffPool(["launch", "residency_notice", "--yes", "--at", launch], in: dir)
        #expect(launched.status == 0, "\(launched.stderr)")
        #expect(launched.stdout.contains(late == nil ? "sends already past: 3 — not sent: no late_within"
                                                     : "sends already past: 3 — 1 sent at launch (within late_within 2d), 2 not sent"),
                "\(launched.stdout)")
        let run = try await CLIRunner.runOffPool(["run", "--live", "--once", "--at", "2026-11-28T12:00:30Z"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        let report = try object(try await CLIRunner.runOffPool(["report", "residency_notice", "--json"], in: dir))
        // The report's lines are per offset: only Ayesha has a -7d send due by now.
        let ayesha = line(report, occurrence: "-7d")
        if late == nil {
            #expect(ayesha == nil)
            #expect((report["total"] as? [String: Any])?["targeted"] as? Int ?? 0 == 0)
        } else {
            #expect(ayesha?["accepted"] as? Int == 1)
            #expect((report["total"] as? [String: Any])?["accepted"] as? Int == 1)
            #expect(line(report, occurrence: "-30d") == nil)   // Ayesha's and Rahul's, more than 2 days before
        }
    }

    @Test("late_within goes with fixed schedules too; a bad value is a located error")
    func lateWithinValidation() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        let base = "title: x\naudience: mothers\ntemplate: vaccination_reminder\nschedule:\n  start: 2027-08-20T09:00\n"
        try CLIRunner.write(base + "  late_within: 12h\n", to: "campaigns/ok.yaml", in: dir)
        let ok = try CLIRunner.run(["validate"], in: dir)
        #expect(ok.status == 0, "\(ok.stderr)")
        try CLIRunner.write(base + "  late_within: 3x\n", to: "campaigns/bad.yaml", in: dir)
        let bad = try CLIRunner.run(["validate"], in: dir)
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("bad.yaml:6:16"), "\(bad.stderr)")
        #expect(bad.stderr.contains("late_within '3x' must be a number of hours, days or weeks"))
    }
}
