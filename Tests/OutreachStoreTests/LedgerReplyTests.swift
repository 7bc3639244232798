import Foundation
import Testing
import OutreachCore
import OutreachStore

@Suite("SQLite ledger: replies and unsubscribes")
struct LedgerReplyTests {
    /// Two campaigns send to r0…r2; the later one (`reminder`) is what a reply answers.
    func sendTwoCampaigns(_ ledger: SQLiteLedger) async throws {
        for (campaign, second) in [("vaccination_round", 1.0), ("reminder", 5.0)] {
            _ = try await ledger.materialise(entries(3, campaign: campaign, segment: campaign == "reminder" ? "north" : nil), at: t0)
            try await ledger.setCampaignState(campaign, to: .launched, at: t0)
            let claimed = try await ledger.claim(ClaimRequest(limit: 10, now: at(second)))
            _ = try await ledger.record(accepted(claimed), at: at(second))
        }
    }

    func reply(_ from: String, _ text: String, at seconds: Double = 10) throws -> InboundReply {
        InboundReply(receivedAt: at(seconds), from: try #require(ContactAddress(from)), text: text, gateway: "kannel")
    }

    @Test("STOP: opted out (source reply), recorded against the last message sent to that number; the next claim skips them")
    func stop() async throws {
        try await withLedger { ledger, _ in
            try await sendTwoCampaigns(ledger)
            let words = StopWords()
            let text = "إيـقـاف"
            let recorded = try await ledger.recordReply(try reply("0500000001", text), action: words.action(for: text))
            #expect(recorded.outcome == .optedOut)
            #expect(recorded.campaign == "reminder")
            let answeredID = try #require(recorded.messageID)
            let answered = try #require(try await ledger.entry(messageID: answeredID))
            #expect(answered.recipientID == "r1" && answered.campaign == "reminder")
            let optOut = try #require(try await ledger.optOuts().first)
            #expect(optOut.address == "+966500000001" && optOut.source == "reply")

            _ = try await ledger.materialise(entries(3, campaign: "follow_up"), at: at(20))
            try await ledger.setCampaignState("follow_up", to: .launched, at: at(20))
            let claimed = try await ledger.claim(ClaimRequest(limit: 10, now: at(21)))
            #expect(Set(claimed.map(\.recipientID)) == ["r0", "r2"])
            #expect(try await ledger.counts(campaign: "follow_up").skipped(.optedOut) == 1)
        }
    }

    @Test("START removes the opt-out (opted_in); START from someone not opted out is only stored; plain text is stored")
    func start() async throws {
        try await withLedger { ledger, _ in
            try await sendTwoCampaigns(ledger)
            _ = try await ledger.recordReply(try reply("0500000002", "STOP"), action: .stop)
            #expect(try await ledger.isOptedOut("+966500000002"))
            let back = try await ledger.recordReply(try reply("0500000002", "start", at: 11), action: .start)
            #expect(back.outcome == .optedIn)
            #expect(try await !ledger.isOptedOut("+966500000002"))
            let again = try await ledger.recordReply(try reply("0500000002", "start", at: 12), action: .start)
            #expect(again.outcome == .stored)
            let plain = try await ledger.recordReply(try reply("0500000000", "شكراً", at: 13), action: nil)
            #expect(plain.outcome == .stored && plain.campaign == "reminder")
            #expect(try await !ledger.isOptedOut("+966500000000"))

            let counts = try await ledger.replyCounts(campaign: "reminder")
            #expect(counts == ReplyCounts(replies: 4, optOuts: 1, optIns: 1, unsubscribes: 0))
            #expect(try await ledger.replyCounts(campaign: "vaccination_round") == ReplyCounts())
            #expect(try await ledger.replyCountsBySegment(campaign: "reminder") == ["north": counts])
        }
    }

    @Test("a reply from a number the ledger never wrote to is stored, answering nothing")
    func unknownSender() async throws {
        try await withLedger { ledger, _ in
            try await sendTwoCampaigns(ledger)
            let recorded = try await ledger.recordReply(try reply("0599999999", "STOP"), action: .stop)
            #expect(recorded.outcome == .optedOut && recorded.campaign == nil && recorded.messageID == nil)
            #expect(try await ledger.isOptedOut("+966599999999"))
        }
    }

    @Test("a message queued but not yet sent is not what a reply answers")
    func onlySentMessages() async throws {
        try await withLedger { ledger, _ in
            try await sendTwoCampaigns(ledger)
            _ = try await ledger.materialise(entries(3, campaign: "queued_only"), at: at(20))
            let recorded = try await ledger.recordReply(try reply("0500000000", "hello", at: 30), action: nil)
            #expect(recorded.campaign == "reminder")
        }
    }

    @Test("unsubscribe link: opts the message's address out (source unsubscribe), idempotent, counted apart from replies")
    func unsubscribe() async throws {
        try await withLedger { ledger, _ in
            let mail = LedgerEntry(campaign: "newsletter", occurrence: "o", recipientID: "r9", address: "hind@moh.example",
                                   channel: .email, dueAt: t0, payload: .init(subject: "s", text: "t"), key: .none)
            _ = try await ledger.materialise([mail], at: t0)
            try await ledger.setCampaignState("newsletter", to: .launched, at: t0)
            let claimed = try await ledger.claim(ClaimRequest(limit: 10, now: at(1)))
            _ = try await ledger.record(accepted(claimed), at: at(1))

            let first = try #require(try await ledger.unsubscribe(messageID: mail.messageID, at: at(5)))
            #expect(first.outcome == .optedOut && first.campaign == "newsletter")
            let second = try #require(try await ledger.unsubscribe(messageID: mail.messageID, at: at(6)))
            #expect(second.id == first.id)
            #expect(try await ledger.isOptedOut("Hind@MOH.example"))
            let listed = try await ledger.optOuts()
            #expect(listed.count == 1 && listed[0].source == "unsubscribe" && listed[0].channel == .email && listed[0].createdAt == at(5))
            #expect(try await ledger.replyCounts(campaign: "newsletter") == ReplyCounts(unsubscribes: 1))
            #expect(try await ledger.unsubscribe(messageID: "no-such-message", at: at(7)) == nil)
            #expect(try await ledger.optOuts().count == 1)
        }
    }
}
