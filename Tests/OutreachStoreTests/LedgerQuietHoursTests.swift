import Foundation
import Testing
import OutreachCore
import OutreachStore

@Suite("SQLite ledger: quiet hours hold a queued backlog")
struct LedgerQuietHoursTests {
    @Test("an entry is not claimed inside its quiet hours, nor inside the same hours a day later; it is between them")
    func claimWaitsOutQuietHours() async throws {
        try await withLedger { ledger, _ in
            // Due at t0; quiet from t0 + 1 h to t0 + 11 h (and the same hours every day after).
            let quiet = QuietPeriod(from: at(3600), until: at(11 * 3600))
            var held = entries(4)
            for i in held.indices { held[i].quiet = quiet }
            let anyHour = entries(1, from: 10)
            _ = try await ledger.materialise(held + anyHour, at: t0)
            try await ledger.setCampaignState("vaccination_round", to: .launched, at: t0)
            func claim(_ seconds: Double) async throws -> [String] {
                try await ledger.claim(ClaimRequest(limit: 1, now: at(seconds), campaigns: ["vaccination_round"])).map(\.recipientID)
            }
            #expect(try await claim(60) == ["r0"])              // before the quiet hours
            #expect(try await ledger.heldByQuietHours(campaign: "vaccination_round", at: at(60)).count == 0)
            #expect(try await claim(3600) == ["r10"])           // quiet: only the entry without quiet hours
            #expect(try await claim(5 * 3600) == [])
            let holding = try await ledger.heldByQuietHours(campaign: "vaccination_round", at: at(5 * 3600))
            #expect(holding.count == 3 && holding.resumesAt == at(11 * 3600))
            #expect(try await ledger.heldByQuietHours(campaign: "vaccination_round", at: at(86_400 + 2 * 3600)).resumesAt
                    == at(86_400 + 11 * 3600))
            #expect(try await claim(11 * 3600) == ["r1"])       // the quiet hours are over
            #expect(try await claim(86_400 + 2 * 3600) == [])   // the next night
            #expect(try await claim(86_400 + 11 * 3600) == ["r2"])
            // Skipping what the quiet hours hold (quiet_hours_overflow: skip) the next night: r3 only.
            #expect(try await ledger.skipHeldByQuietHours(campaign: "vaccination_round", at: at(86_400 + 11 * 3600)) == 0)
            #expect(try await ledger.skipHeldByQuietHours(campaign: "vaccination_round", at: at(2 * 86_400 + 3600)) == 1)
            let counts = try await ledger.counts(campaign: "vaccination_round")
            #expect(counts.skipped(.quietHoursOverflow) == 1 && counts.count(.queued) == 0)
        }
    }
}
