import Foundation
import Testing
import OutreachCore
import OutreachStore

/// `ClaimRequest.occurrence` and `.states`: how `send --now` and `send --test` claim only what they made.
@Suite("SQLite ledger: claim scope")
struct LedgerClaimScopeTests {
    @Test("a claim for one occurrence leaves the campaign's other occurrences queued")
    func oneOccurrence() async throws {
        try await withLedger { ledger, _ in
            _ = try await ledger.materialise(entries(3, campaign: "c", occurrence: "now@2027-08-20")
                                             + entries(2, campaign: "c", occurrence: "#1", from: 10), at: t0)
            try await ledger.setCampaignState("c", to: .launched, at: t0)
            var request = ClaimRequest(limit: 10, now: t0, campaigns: ["c"])
            request.occurrence = "now@2027-08-20"
            let claimed = try await ledger.claim(request)
            #expect(Set(claimed.map(\.recipientID)) == ["r0", "r1", "r2"])
            #expect(try await ledger.counts(campaign: "c").count(.queued, occurrence: "#1") == 2)
        }
    }

    @Test("states: the scheduler claims launched campaigns only; send --now drafts and completed too, never paused or cancelled",
          arguments: [CampaignState.draft, .launched, .paused, .cancelled])
    func states(_ state: CampaignState) async throws {
        try await withLedger { ledger, _ in
            _ = try await ledger.materialise(entries(2, campaign: "c"), at: t0)
            if state != .draft { try await ledger.setCampaignState("c", to: .launched, at: t0) }
            if state == .paused || state == .cancelled { try await ledger.setCampaignState("c", to: state, at: t0) }
            let scheduler = try await ledger.claim(ClaimRequest(limit: 10, now: t0, campaigns: ["c"]))
            #expect(scheduler.count == (state == .launched ? 2 : 0))
            if state == .launched { _ = try await ledger.release(scheduler.map(\.messageID), at: t0) }
            var now = ClaimRequest(limit: 10, now: t0, campaigns: ["c"])
            now.states = [.draft, .launched, .completed]
            // Cancelling skipped the queued entries; pausing keeps them queued but unclaimed.
            #expect(try await ledger.claim(now).count == (state == .draft || state == .launched ? 2 : 0))
        }
    }

    @Test("test sends are left out of the counts and counted apart")
    func testSendsApart() async throws {
        try await withLedger { ledger, _ in
            _ = try await ledger.materialise(entries(3, campaign: "c") + entries(2, campaign: "c", occurrence: TestOccurrence.key(at: t0), from: 10),
                                             at: t0)
            let counts = try await ledger.counts(campaign: "c")
            #expect(counts.targeted == 3)
            #expect(counts.testSends == 2)
        }
    }
}
