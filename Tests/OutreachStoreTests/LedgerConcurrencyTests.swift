import Foundation
import Testing
import OutreachCore
import OutreachStore

@Suite("SQLite ledger: concurrent claimers")
struct LedgerConcurrencyTests {
    @Test("eight claimers on one ledger never get the same entry, and together get them all")
    func oneLedger() async throws {
        try await withLedger { ledger, _ in
            _ = try await ledger.materialise(entries(5000), at: t0)
            try await ledger.setCampaignState("vaccination_round", to: .launched, at: t0)
            let batches = try await claimAll(claimers: (0..<8).map { _ in ledger }, batch: 37)
            let ids = batches.flatMap { $0 }
            #expect(ids.count == 5000)
            #expect(Set(ids).count == 5000)
            #expect(batches.filter { !$0.isEmpty }.count > 1, "more than one claimer got work")
        }
    }

    @Test("claimers on separate connections to the same file (as separate processes would be) never overlap")
    func separateConnections() async throws {
        try await withLedger { first, temporary in
            _ = try await first.materialise(entries(3000), at: t0)
            try await first.setCampaignState("vaccination_round", to: .launched, at: t0)
            let ledgers = try [first] + (0..<3).map { _ in try temporary.open() }
            let batches = try await claimAll(claimers: ledgers + ledgers, batch: 50)
            let ids = batches.flatMap { $0 }
            #expect(ids.count == 3000)
            #expect(Set(ids).count == 3000)
            #expect(try await first.counts(campaign: "vaccination_round").count(.sending) == 3000)
        }
    }

    /// Each claimer claims and records until nothing is left; returns what each claimed.
    private func claimAll(claimers: [SQLiteLedger], batch: Int) async throws -> [[String]] {
        try await withThrowingTaskGroup(of: [String].self) { group in
            for ledger in claimers {
                group.addTask {
                    var mine: [String] = []
                    while true {
                        let claimed = try await ledger.claim(ClaimRequest(limit: batch, now: at(1)))
                        if claimed.isEmpty { return mine }
                        mine += claimed.map(\.messageID)
                    }
                }
            }
            var all: [[String]] = []
            for try await ids in group { all.append(ids) }
            return all
        }
    }
}
