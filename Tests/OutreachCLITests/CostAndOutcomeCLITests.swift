import Foundation
import Testing

@Suite("outreach preview --cost and outcomes")
struct CostAndOutcomeCLITests {
    /// The example project with a weekly Latin-script campaign to mothers, three sends.
    static func project(text: String) throws -> URL {
        let dir = try CLIRunner.copyOfExampleProject()
        try CLIRunner.write("""
            title: weekly
            audience: mothers
            template: weekly
            channel: sms
            gateway: outbox
            sender: MOH
            schedule:
              start: 2026-12-01T10:00
              repeat: {every: 7d, times: 3}
            """, to: "campaigns/weekly.yaml", in: dir)
        try CLIRunner.write("title: weekly\nchannel: sms\ntext: \"\(text)\"\n", to: "templates/weekly.yaml", in: dir)
        return dir
    }

    @Test("--cost: parts per segment, the fit after a cut, the characters forcing UCS-2, and the parts over all sends")
    func cost() async throws {
        // Latin text with an Arabic first name: UCS-2 only because of the name.
        let dir = try Self.project(text: "Dear {first_name}, " + String(repeating: "please come to the clinic. ", count: 3))
        defer { try? FileManager.default.removeItem(at: dir) }
        var out = try await CLIRunner.runOffPool(["preview", "weekly", "--cost", "--json", "--today", "2026-11-29"], in: dir)
        #expect(out.status == 0, "\(out.stderr)")
        let json = try #require(try CLIRunner.json(out) as? [String: Any])
        let perSend = try #require(json["partsPerSend"] as? Int)
        let plan = try #require(json["plan"] as? [String: Any])
        #expect(perSend > 0)
        #expect(plan["sends"] as? Int == 3)
        #expect(plan["parts"] as? Int == 3 * perSend)
        let segment = try #require((json["segments"] as? [[String: Any]])?.first)
        let cost = try #require(segment["cost"] as? [String: Any])
        #expect(cost["parts"] as? Int == perSend)
        let forced = try #require(cost["forcedUCS2"] as? [String: Any])
        #expect((forced["messages"] as? Int ?? 0) > 0)
        #expect((forced["partsIfGSM7"] as? Int ?? 0) < (forced["parts"] as? Int ?? 0))

        out = try await CLIRunner.runOffPool(["preview", "weekly", "--cost", "--today", "2026-11-29"], in: dir)
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("UCS-2 only because of a few characters"), "\(out.stdout)")
        #expect(out.stdout.contains("Over 3 sends from 2026-11-29"), "\(out.stdout)")
        // The normal preview carries the short lines too.
        out = try await CLIRunner.runOffPool(["preview", "weekly", "--today", "2026-11-29"], in: dir)
        #expect(out.stdout.contains("UCS-2 only because of a few characters"), "\(out.stdout)")
    }

    @Test("--cost names the cut that saves a part: GSM-7 messages a few characters over one part")
    func cut() async throws {
        // 158 fixed characters and a name: over 160 for every name of three letters or more.
        let dir = try Self.project(text: "Hello {family_name} " + String(repeating: "x", count: 152))
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try await CLIRunner.runOffPool(["preview", "weekly", "--cost", "--json", "--today", "2026-11-29"], in: dir)
        #expect(out.status == 0, "\(out.stderr)")
        let json = try #require(try CLIRunner.json(out) as? [String: Any])
        let groups = try #require(((json["segments"] as? [[String: Any]])?.first?["cost"] as? [String: Any])?["groups"] as? [[String: Any]])
        let two = groups.filter { ($0["parts"] as? Int) == 2 }
        #expect(!two.isEmpty, "\(groups)")
        for g in two {
            let fit = try #require(g["fitOneFewer"] as? [[String: Any]])
            #expect(fit.last?["messages"] as? Int == g["messages"] as? Int)
        }
    }

    @Test("outcome import reads the file like the population: located rejects; the report says when it cannot compare")
    func importAndReport() async throws {
        let dir = try Self.project(text: "Hello {first_name}")
        defer { try? FileManager.default.removeItem(at: dir) }
        let configuration = try String(contentsOf: dir.appendingPathComponent("outreach.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "quiet_hours: \"22:00-09:00\"", with: "")
            .replacingOccurrences(of: "frequency_cap: {messages: 2, per: 7d}", with: "")
        try CLIRunner.write(configuration, to: "outreach.yaml", in: dir)
        try CLIRunner.write("""
            title: notice
            audience: mothers
            template: weekly
            channel: sms
            gateway: outbox
            sender: MOH
            """, to: "campaigns/notice.yaml", in: dir)
        var out = try await CLIRunner.runOffPool(["launch", "notice", "--yes"], in: dir)
        #expect(out.status == 0, "\(out.stderr)")
        out = try await CLIRunner.runOffPool(["send", "notice", "--now"], in: dir)
        #expect(out.status == 0, "\(out.stderr)")
        let format = DateFormatter()
        format.locale = Locale(identifier: "en_US_POSIX")
        format.timeZone = TimeZone(identifier: "Asia/Riyadh")
        format.dateFormat = "yyyy-MM-dd"
        let today = format.string(from: Date())
        try CLIRunner.write("""
            national_id,vaccinated_on
            1012345678,\(today)
            1023456789,\(today)
            1099999999,not-a-date
            ,\(today)
            """, to: "outcomes.csv", in: dir)
        out = try await CLIRunner.runOffPool(["outcome", "import", "notice", "outcomes.csv", "--field", "vaccinated_on"], in: dir)
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("line 4: \"not-a-date\""), "\(out.stdout)")
        #expect(out.stdout.contains("line 5"), "\(out.stdout)")
        #expect(out.stdout.contains("2 outcomes (vaccinated_on) for notice: 2 added"), "\(out.stdout)")
        #expect(out.stdout.contains("Stored for notice: 2, of which 2 are people in its ledger"), "\(out.stdout)")

        out = try await CLIRunner.runOffPool(["outcome", "import", "notice", "outcomes.csv", "--field", "vaccinated"], in: dir)
        #expect(out.status == 1)
        #expect(out.stderr.contains("did you mean 'vaccinated_on'?"), "\(out.stderr)")

        out = try await CLIRunner.runOffPool(["report", "notice", "--outcomes", "--json"], in: dir)
        #expect(out.status == 0, "\(out.stderr)")
        let json = try #require(try CLIRunner.json(out) as? [String: Any])
        #expect(json["attributionDays"] as? Int == 14)
        let group = try #require((json["groups"] as? [[String: Any]])?.first)
        #expect(group["messagedOutcomes"] as? Int == 2, "\(group)")
        #expect(group["finding"] as? String == "no holdout: nothing to compare the messaged with")
        out = try await CLIRunner.runOffPool(["report", "notice", "--outcomes", "--csv"], in: dir)
        #expect(out.stdout.hasPrefix("segment,variant,people,messaged,holdout"), "\(out.stdout)")
    }
}
