import Foundation
import OutreachCore
import OutreachStore
import Testing

@Suite("outreach report: replies")
struct ReplyReportTests {
    @Test("replies and opt-outs by reply appear in the text report and in --json")
    func repliesInReport() async throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
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
        out = try await CLIRunner.runOffPool(["report", "notice"], in: dir)
        #expect(!out.stdout.contains("Replies:"), "\(out.stdout)")

        let sent = try String(contentsOf: dir.appendingPathComponent("out/outbox.jsonl"), encoding: .utf8).split(separator: "\n")
            .compactMap { (try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["to"] as? String }
        #expect(sent.count >= 2)
        let ledger = try SQLiteLedger(path: dir.appendingPathComponent(".outreach/ledger.sqlite").path)
        for (to, text) in [(sent[0], "إيقاف"), (sent[1], "شكراً")] {
            let reply = InboundReply(receivedAt: Date(), from: try #require(ContactAddress(to)), text: text, gateway: "kannel")
            _ = try await ledger.recordReply(reply, action: StopWords().action(for: text))
        }

        out = try await CLIRunner.runOffPool(["report", "notice"], in: dir)
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("Replies: 2, opt-outs by reply: 1"), "\(out.stdout)")
        out = try await CLIRunner.runOffPool(["report", "notice", "--json"], in: dir)
        let json = try #require(try CLIRunner.json(out) as? [String: Any])
        let replies = try #require(json["replies"] as? [String: Any])
        #expect(replies["replies"] as? Int == 2 && replies["optOuts"] as? Int == 1 && replies["optIns"] as? Int == 0)
    }
}
