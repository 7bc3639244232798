import Foundation
import Testing
import OutreachCore
import OutreachStore

@Suite("SQLite ledger: crashes, uncertain messages, campaign states")
struct LedgerRecoveryTests {
    @Test("a ledger dropped mid-send reopens with its in-flight messages uncertain and nothing queued lost")
    func crashRecovery() async throws {
        let temporary = try TemporaryLedger()
        defer { temporary.remove() }
        var claimedIDs: [String] = []
        var acceptedIDs: [String] = []
        do {
            let ledger = try temporary.open()
            _ = try await ledger.materialise(entries(100), at: t0)
            try await ledger.setCampaignState("vaccination_round", to: .launched, at: t0)
            let claimed = try await ledger.claim(ClaimRequest(limit: 40, now: at(1)))
            // 30 attempted: 10 answered and recorded, 20 in flight when the process "dies";
            // 10 more claimed but never attempted.
            try await ledger.markAttempted(claimed.prefix(30).map(\.messageID), at: at(1))
            _ = try await ledger.record(accepted(Array(claimed.prefix(10))), at: at(2))
            acceptedIDs = claimed.prefix(10).map(\.messageID)
            claimedIDs = claimed.dropFirst(10).prefix(20).map(\.messageID)
            // No release, no record: the ledger is simply dropped.
        }
        let reopened = try temporary.open()
        #expect(try await reopened.recoverInterrupted(at: at(100)) == 20)
        let counts = try await reopened.counts(campaign: "vaccination_round")
        #expect(counts.count(.uncertain) == 20)
        #expect(counts.count(.accepted) == 10)
        #expect(counts.count(.queued) == 70)   // 60 never claimed + 10 claimed and never attempted
        #expect(counts.targeted == 100)
        for id in claimedIDs { #expect(try await reopened.entry(messageID: id)?.state == .uncertain) }
        for id in acceptedIDs { #expect(try await reopened.entry(messageID: id)?.state == .accepted) }
        // A second recovery finds nothing more; the campaign is still launched.
        #expect(try await reopened.recoverInterrupted(at: at(101)) == 0)
        #expect(try await reopened.campaignState("vaccination_round") == .launched)
        // The rest is claimed as usual, and uncertain ones are never handed out by a claim.
        let rest = try await reopened.claim(ClaimRequest(limit: 1000, now: at(102)))
        #expect(rest.count == 70)
        #expect(Set(rest.map(\.messageID)).isDisjoint(with: claimedIDs))
    }

    @Test("on_uncertain: skip records them as skipped(in doubt); resend queues them again")
    func uncertainPolicies() async throws {
        try await withLedger { ledger, _ in
            _ = try await ledger.materialise(entries(10, campaign: "a") + entries(10, campaign: "b"), at: t0)
            try await ledger.setCampaignState("a", to: .launched, at: t0)
            try await ledger.setCampaignState("b", to: .launched, at: t0)
            let claimed = try await ledger.claim(ClaimRequest(limit: 100, now: at(1)))
            try await ledger.markAttempted(claimed.map(\.messageID), at: at(1))
            #expect(try await ledger.recoverInterrupted(at: at(2)) == 20)
            #expect(try await ledger.resolveUncertain(campaign: "a", policy: .skip, at: at(3)) == 10)
            #expect(try await ledger.resolveUncertain(campaign: "b", policy: .resend, at: at(3)) == 10)
            let a = try await ledger.counts(campaign: "a")
            #expect(a.skipped(.inDoubt) == 10 && a.count(.uncertain) == 0)
            let b = try await ledger.counts(campaign: "b")
            #expect(b.count(.queued) == 10)
            let resent = try await ledger.claim(ClaimRequest(limit: 100, now: at(4)))
            #expect(resent.count == 10 && resent.allSatisfy { $0.campaign == "b" })
        }
    }

    @Test("uncertain entries can be skipped one by one; a skip of a final entry does nothing")
    func skipUncertain() async throws {
        try await withLedger { ledger, _ in
            _ = try await ledger.materialise(entries(3), at: t0)
            try await ledger.setCampaignState("vaccination_round", to: .launched, at: t0)
            let claimed = try await ledger.claim(ClaimRequest(limit: 3, now: at(1)))
            try await ledger.markAttempted(claimed.map(\.messageID), at: at(1))
            _ = try await ledger.recoverInterrupted(at: at(2))
            #expect(try await ledger.skip([claimed[0].messageID], reason: .inDoubt, detail: "checked with the SMSC", at: at(3)) == 1)
            let entry = try await ledger.entry(messageID: claimed[0].messageID)
            #expect(entry?.state == .skipped && entry?.skipReason == .inDoubt && entry?.lastDetail == "checked with the SMSC")
            #expect(try await ledger.skip([claimed[0].messageID], reason: .capped, detail: nil, at: at(4)) == 0)
        }
    }

    @Test("campaign states: draft by default, illegal moves refused, history kept")
    func campaignStates() async throws {
        try await withLedger { ledger, _ in
            #expect(try await ledger.campaignState("new") == .draft)
            await #expect(throws: CampaignTransitionError(campaign: "new", from: .draft, to: .paused)) {
                try await ledger.setCampaignState("new", to: .paused, at: t0)
            }
            try await ledger.setCampaignState("new", to: .launched, at: at(1))
            await #expect(throws: CampaignTransitionError.self) { try await ledger.setCampaignState("new", to: .launched, at: at(2)) }
            try await ledger.setCampaignState("new", to: .paused, at: at(3))
            try await ledger.setCampaignState("new", to: .launched, at: at(4))
            try await ledger.setCampaignState("new", to: .completed, at: at(5))
            await #expect(throws: CampaignTransitionError.self) { try await ledger.setCampaignState("new", to: .cancelled, at: at(6)) }
            let status = try #require(try await ledger.campaigns().first)
            #expect(status.campaign == "new" && status.state == .completed && status.launchedAt == at(1) && status.updatedAt == at(5))
        }
    }

    @Test("cancelling skips what is still queued or uncertain, and keeps what was sent")
    func cancel() async throws {
        try await withLedger { ledger, _ in
            _ = try await ledger.materialise(entries(10), at: t0)
            try await ledger.setCampaignState("vaccination_round", to: .launched, at: t0)
            let claimed = try await ledger.claim(ClaimRequest(limit: 4, now: at(1)))
            try await ledger.markAttempted(claimed.map(\.messageID), at: at(1))
            _ = try await ledger.record(accepted(Array(claimed.prefix(2))), at: at(2))
            _ = try await ledger.recoverInterrupted(at: at(3))  // 2 uncertain
            try await ledger.setCampaignState("vaccination_round", to: .cancelled, at: at(4))
            let counts = try await ledger.counts(campaign: "vaccination_round")
            #expect(counts.count(.accepted) == 2)
            #expect(counts.skipped(.cancelled) == 8)
            #expect(try await ledger.claim(ClaimRequest(limit: 10, now: at(5))).isEmpty)
        }
    }
}

@Suite("SQLite ledger: claimed is not sent")
struct LedgerAttemptTests {
    @Test("after a crash, claimed messages whose first attempt never started are queued again, not in doubt")
    func neverAttempted() async throws {
        try await withLedger { ledger, _ in
            _ = try await ledger.materialise(entries(10), at: t0)
            try await ledger.setCampaignState("vaccination_round", to: .launched, at: t0)
            let claimed = try await ledger.claim(ClaimRequest(limit: 10, now: at(1)))
            try await ledger.markAttempted(claimed.prefix(3).map(\.messageID), at: at(1))
            #expect(try await ledger.recoverInterrupted(at: at(2)) == 3)
            let counts = try await ledger.counts(campaign: "vaccination_round")
            #expect(counts.count(.uncertain) == 3 && counts.count(.queued) == 7)
            // Claimed again later, the marker starts afresh: a crash before this attempt queues it again.
            let again = try await ledger.claim(ClaimRequest(limit: 10, now: at(3)))
            #expect(again.count == 7)
            #expect(try await ledger.recoverInterrupted(at: at(4)) == 0)
            #expect(try await ledger.counts(campaign: "vaccination_round").count(.queued) == 7)
        }
    }
}
