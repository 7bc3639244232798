import Foundation
import Testing
import OutreachCore
import OutreachStore

/// The ledger forgets no doubt: entries found in flight after a crash stay
/// countable after they are resent and accepted, so a report can say that
/// some people may have the message twice.
@Suite("SQLite ledger: the history of doubt")
struct LedgerDoubtHistoryTests {
    @Test("resent after a crash and accepted: the report counts them in doubt and as possible duplicates; the attempt counts")
    func resentAndAccepted() async throws {
        try await withLedger { ledger, _ in
            _ = try await ledger.materialise(entries(10, campaign: "a") + entries(10, campaign: "b"), at: t0)
            try await ledger.setCampaignState("a", to: .launched, at: t0)
            try await ledger.setCampaignState("b", to: .launched, at: t0)
            // 6 of each claimed: 4 of each attempted with no answer, 2 of each never attempted.
            let claimed = try await ledger.claim(ClaimRequest(limit: 6, now: at(1), campaigns: ["a"]))
                + (try await ledger.claim(ClaimRequest(limit: 6, now: at(1), campaigns: ["b"])))
            let attempted = claimed.filter { $0.campaign == "a" }.prefix(4) + claimed.filter { $0.campaign == "b" }.prefix(4)
            try await ledger.markAttempted(attempted.map(\.messageID), at: at(1))
            #expect(try await ledger.recoverInterrupted(at: at(2)) == 8)
            #expect(try await ledger.resolveUncertain(campaign: "a", policy: .resend, at: at(3)) == 4)
            #expect(try await ledger.resolveUncertain(campaign: "b", policy: .skip, at: at(3)) == 4)
            // Everything of a goes out now, the resent four included.
            let rest = try await ledger.claim(ClaimRequest(limit: 100, now: at(4), campaigns: ["a"]))
            #expect(rest.count == 10)
            _ = try await ledger.record(accepted(rest), at: at(5))

            let a = CampaignReport(campaign: "a", state: .launched, launchedAt: t0,
                                   counts: try await ledger.counts(campaign: "a"), activity: CampaignActivity())
            #expect(a.total.accepted == 10)
            #expect(a.total.inDoubt.total == 4 && a.total.inDoubt.resent == 4 && a.total.inDoubt.possibleDuplicates == 4)
            #expect(a.total.inDoubt.skipped == 0)
            #expect(a.total.targeted == 10)          // still one column per person
            let resentIDs = Set(attempted.filter { $0.campaign == "a" }.map(\.messageID))
            for id in resentIDs { #expect(try await ledger.entry(messageID: id)?.attempts == 2) }

            let b = CampaignReport(campaign: "b", state: .launched, launchedAt: t0,
                                   counts: try await ledger.counts(campaign: "b"), activity: CampaignActivity())
            #expect(b.total.inDoubt.total == 4 && b.total.inDoubt.skipped == 4 && b.total.inDoubt.resent == 0)
            #expect(b.total.inDoubt.possibleDuplicates == 0)
            #expect(b.total.skipped["in_doubt"] == 4 && b.total.uncertain == 0)
        }
    }

    @Test("claimed but never attempted, and released on a graceful stop: queued again, not in doubt")
    func neverAttempted() async throws {
        try await withLedger { ledger, _ in
            _ = try await ledger.materialise(entries(6), at: t0)
            try await ledger.setCampaignState("vaccination_round", to: .launched, at: t0)
            let claimed = try await ledger.claim(ClaimRequest(limit: 6, now: at(1)))
            #expect(try await ledger.release(claimed.prefix(3).map(\.messageID), at: at(2)) == 3)
            #expect(try await ledger.recoverInterrupted(at: at(3)) == 0)
            let report = CampaignReport(campaign: "vaccination_round", state: .launched, launchedAt: t0,
                                        counts: try await ledger.counts(campaign: "vaccination_round"), activity: CampaignActivity())
            #expect(report.total.queued == 6 && report.total.inDoubt.total == 0)
        }
    }
}

@Suite("SQLite ledger: what a report calls sent")
struct LedgerSentActivityTests {
    @Test("messages the gateway only ever refused are not counted as sent; accepted ones are")
    func refusedAreNotSent() async throws {
        try await withLedger { ledger, _ in
            _ = try await ledger.materialise(entries(5), at: t0)
            try await ledger.setCampaignState("vaccination_round", to: .launched, at: t0)
            let claimed = try await ledger.claim(ClaimRequest(limit: 5, now: at(1)))
            _ = try await ledger.record(accepted(Array(claimed.prefix(3))), at: at(2))
            let refused = claimed.dropFirst(3).map {
                DeliveryOutcome(messageID: $0.messageID, kind: .retryable, status: 500, detail: "500 Internal Server Error", attempts: 5)
            }
            _ = try await ledger.record(refused, at: at(3))
            let activity = try await ledger.activity(campaign: "vaccination_round", launchedAt: t0)
            #expect(activity.sent == 3)
            #expect(activity.failureReasons.first?.count == 2)
        }
    }
}
