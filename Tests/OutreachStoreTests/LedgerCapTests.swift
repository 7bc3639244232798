import Foundation
import Testing
import OutreachCore
import OutreachStore

@Suite("SQLite ledger: frequency caps")
struct LedgerCapTests {
    @Test("the cap query counts a person's sends since T across campaigns, only those that may have reached them")
    func capQuery() async throws {
        try await withLedger { ledger, _ in
            for campaign in ["a", "b", "c"] {
                _ = try await ledger.materialise(entries(3, campaign: campaign), at: t0)
                try await ledger.setCampaignState(campaign, to: .launched, at: t0)
            }
            // a: sent at 1 000 s and accepted; b: sent at 2 000 s, failed; c: sent at 3 000 s, still sending.
            let a = try await ledger.claim(ClaimRequest(limit: 3, now: at(1000), campaigns: ["a"]))
            _ = try await ledger.record(accepted(a), at: at(1001))
            let b = try await ledger.claim(ClaimRequest(limit: 3, now: at(2000), campaigns: ["b"]))
            _ = try await ledger.record(b.map { DeliveryOutcome(messageID: $0.messageID, kind: .rejected, detail: "no") }, at: at(2001))
            let c = try await ledger.claim(ClaimRequest(limit: 1, now: at(3000), campaigns: ["c"]))
            try await ledger.markAttempted(c.map(\.messageID), at: at(3000))
            #expect(try await ledger.recentSends(recipients: ["r0", "r1", "r2", "r9"], since: t0) == ["r0": 2, "r1": 1, "r2": 1])
            #expect(try await ledger.recentSends(recipients: ["r0", "r1"], since: at(1500)) == ["r0": 1])
            #expect(try await ledger.recentSends(recipients: ["r0"], since: at(3001)) == [:])
            // A delivery report keeps it counted; an uncertain one counts too.
            _ = try await ledger.recordDeliveryReports([DeliveryReport(key: .messageID(a[1].messageID), status: .delivered, at: at(1100))])
            _ = try await ledger.recoverInterrupted(at: at(3500))
            #expect(try await ledger.recentSends(recipients: ["r0", "r1"], since: t0) == ["r0": 2, "r1": 1])
        }
    }

    @Test("claiming over the cap records skipped(capped), within one batch too; uncapped campaigns pass")
    func capAtClaim() async throws {
        try await withLedger { ledger, _ in
            let cap = FrequencyCap(maxMessages: 2, days: 7)
            // Earlier this week: campaign a reached r0 once.
            _ = try await ledger.materialise(entries(1, campaign: "a"), at: t0)
            try await ledger.setCampaignState("a", to: .launched, at: t0)
            _ = try await ledger.record(accepted(try await ledger.claim(ClaimRequest(limit: 1, now: t0, defaultCap: cap))), at: t0)
            // Now three occurrences for r0 and r1 due at once.
            for occurrence in ["o1", "o2", "o3"] {
                _ = try await ledger.materialise(entries(2, campaign: "b", occurrence: occurrence, due: at(86_400)), at: at(86_400))
            }
            try await ledger.setCampaignState("b", to: .launched, at: t0)
            let claimed = try await ledger.claim(ClaimRequest(limit: 10, now: at(86_400), defaultCap: cap))
            // r0 had 1: gets 1 more; r1 had 0: gets 2.
            #expect(claimed.filter { $0.recipientID == "r0" }.count == 1)
            #expect(claimed.filter { $0.recipientID == "r1" }.count == 2)
            let counts = try await ledger.counts(campaign: "b")
            #expect(counts.skipped(.capped) == 3)
            let capped = try await ledger.entries(campaign: "b", state: .skipped, limit: 10)
            #expect(capped.allSatisfy { $0.lastDetail == "2 messages in the last 7d" })
            // A week later the window has moved on; an urgent campaign ignores caps.
            _ = try await ledger.materialise(entries(2, campaign: "urgent", due: at(86_400 * 2)), at: at(86_400 * 2))
            try await ledger.setCampaignState("urgent", to: .launched, at: t0)
            let urgent = try await ledger.claim(ClaimRequest(limit: 10, now: at(86_400 * 2), defaultCap: cap, uncapped: ["urgent"]))
            #expect(urgent.count == 2)
            // A per-campaign cap replaces the default one.
            _ = try await ledger.materialise(entries(2, campaign: "loose", due: at(86_400 * 2)), at: at(86_400 * 2))
            try await ledger.setCampaignState("loose", to: .launched, at: t0)
            let loose = try await ledger.claim(ClaimRequest(limit: 10, now: at(86_400 * 2), defaultCap: cap,
                                                            caps: ["loose": FrequencyCap(maxMessages: 10, days: 1)]))
            #expect(loose.count == 2)
        }
    }
}
