import Foundation
import OutreachCore
import OutreachStore
import Testing

@Suite("outreach report: replies per segment")
struct ReplySegmentReportTests {
    @Test("replies are counted by the segment of the message they answer, in the text report and in --json")
    func repliesBySegment() async throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        let configuration = try String(contentsOf: dir.appendingPathComponent("outreach.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "quiet_hours: \"22:00-09:00\"", with: "")
            .replacingOccurrences(of: "frequency_cap: {messages: 2, per: 7d}", with: "")
        try CLIRunner.write(configuration, to: "outreach.yaml", in: dir)
        try CLIRunner.write("""
            title: notice
            audience:
              - name: mothers
                audience: mothers
                template: notice
              - name: fathers
                audience: fathers
                template: notice
            channel: sms
            gateway: outbox
            sender: MOH
            """, to: "campaigns/notice.yaml", in: dir)
        try CLIRunner.write("""
            title: notice
            channel: sms
            text: "NOTICE {first_name}"
            """, to: "templates/notice.yaml", in: dir)
        var out = try await CLIRunner.runOffPool(["launch", "notice", "--yes"], in: dir)
        #expect(out.status == 0, "\(out.stderr)")
        out = try await CLIRunner.runOffPool(["send", "notice", "--now"], in: dir)
        #expect(out.status == 0, "\(out.stderr)")

        let ledger = try SQLiteLedger(path: dir.appendingPathComponent(".outreach/ledger.sqlite").path)
        let sent = try await ledger.entries(campaign: "notice", state: .accepted, limit: 10_000)
        let mothers = sent.filter { $0.segment == "mothers" }, fathers = sent.filter { $0.segment == "fathers" }
        try #require(mothers.count >= 2 && fathers.count >= 1, "the sample should have mothers and fathers with a mobile")
        // Two replies from mothers (one a STOP), one from a father.
        for (entry, text) in [(mothers[0], "إيقاف"), (mothers[1], "شكراً"), (fathers[0], "ok")] {
            let reply = InboundReply(receivedAt: Date(), from: try #require(ContactAddress(entry.address)), text: text, gateway: "kannel")
            _ = try await ledger.recordReply(reply, action: StopWords().action(for: text))
        }

        out = try await CLIRunner.runOffPool(["report", "notice"], in: dir)
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("Replies: 3, opt-outs by reply: 1"), "\(out.stdout)")
        #expect(out.stdout.contains("Replies by segment: fathers 1; mothers 2 (opt-outs 1)"), "\(out.stdout)")
        out = try await CLIRunner.runOffPool(["report", "notice", "--json"], in: dir)
        let json = try #require(try CLIRunner.json(out) as? [String: Any])
        let bySegment = try #require(json["repliesBySegment"] as? [String: [String: Any]])
        #expect(bySegment["mothers"]?["replies"] as? Int == 2 && bySegment["mothers"]?["optOuts"] as? Int == 1)
        #expect(bySegment["fathers"]?["replies"] as? Int == 1 && bySegment["fathers"]?["optOuts"] as? Int == 0)
        #expect(bySegment.count == 2)
    }
}
