import Foundation
import OutreachCore
import OutreachStore
import Testing

/// The ledger keeps each entry's variant (migration v14) and held-out people as `skipped(holdout)`.
@Suite("Ledger variants and holdout")
struct LedgerVariantTests {
    @Test("variants are stored and read back on messages and held-out entries; counts are per variant; claims skip the held out")
    func roundTrip() async throws {
        try await withLedger { ledger, _ in
            var made = entries(4, segment: "mothers")
            made[0].variant = "vax_short"
            made[1].variant = "vax_warm"
            made[2].variant = "vax_warm"
            let held = LedgerEntry.skipped(campaign: "vaccination_round", occurrence: "o1", recipientID: "r9", segment: "mothers",
                                           address: phone(9), channel: .sms, reason: .holdout, detail: "held out",
                                           dueAt: t0, variant: "vax_short", key: .none)
            let result = try await ledger.materialise(made + [held], at: t0)
            #expect(result.inserted == 5)
            try await ledger.setCampaignState("vaccination_round", to: .launched, at: t0)

            #expect(try await ledger.entry(messageID: made[1].messageID)?.variant == "vax_warm")
            #expect(try await ledger.entry(messageID: made[3].messageID)?.variant == nil)
            let stored = try #require(try await ledger.entry(messageID: held.messageID))
            #expect(stored.state == .skipped && stored.skipReason == .holdout && stored.variant == "vax_short" && stored.dueAt == t0)

            // Only the four messages are handed out.
            let claimed = try await ledger.claim(ClaimRequest(limit: 100, now: t0))
            #expect(Set(claimed.map(\.recipientID)) == ["r0", "r1", "r2", "r3"])
            #expect(Set(claimed.compactMap(\.variant)) == ["vax_short", "vax_warm"])

            let counts = try await ledger.counts(campaign: "vaccination_round")
            let report = CampaignReport(campaign: "vaccination_round", state: .launched, launchedAt: nil, counts: counts,
                                        activity: CampaignActivity())
            #expect(report.heldOut == 1)
            #expect(report.variants.map(\.variant) == ["vax_short", "vax_warm"])
            #expect(report.variants.map(\.counts.targeted) == [2, 2])
            #expect(report.variants.map(\.heldOut) == [1, 0])
            #expect(report.variants.map(\.counts.sending) == [1, 2])
        }
    }
}
