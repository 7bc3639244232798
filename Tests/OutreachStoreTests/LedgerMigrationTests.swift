import Foundation
import GRDB
import Testing
import OutreachCore
@testable import OutreachStore

/// A ledger written before `v5-person-index` opens with every entry, its
/// uniqueness and the frequency-cap query intact.
@Suite("Ledger migrations")
struct LedgerMigrationTests {
    @Test("a v4 ledger keeps its entries through v5; materialising again adds nothing; caps still count")
    func fromV4() async throws {
        let temporary = try TemporaryLedger()
        defer { temporary.remove() }
        try FileManager.default.createDirectory(at: temporary.folder, withIntermediateDirectories: true)
        do {
            let queue = try DatabaseQueue(path: temporary.path)
            try SQLiteLedger.migrator.migrate(queue, upTo: "v4-attempted-at")
            try await queue.write { db in
                for i in 0..<3 {
                    let entry = entries(1, from: i)[0]
                    var record = LedgerRecord(entry, updatedAt: t0)
                    if i == 0 { record.state = "accepted"; record.sentAt = 1_818_770_400_000 }
                    try record.insert(db)
                }
            }
        }
        let ledger = try temporary.open()
        #expect(try await ledger.appliedMigrations().last == "v5-person-index")
        let counts = try await ledger.counts(campaign: "vaccination_round")
        #expect(counts.targeted == 3 && counts.count(.accepted) == 1 && counts.count(.queued) == 2)
        #expect(try await ledger.materialise(entries(5), at: t0) == MaterialisationResult(inserted: 2, alreadyPresent: 3))
        #expect(try await ledger.recentSends(recipients: ["r0", "r1"], since: t0) == ["r0": 1])
        #expect(try await ledger.entry(messageID: entries(1)[0].messageID)?.state == .accepted)
    }

    @Test("outcomes are recorded for claimed entries and, by message id, for entries claimed elsewhere")
    func recordByRowAndByMessageID() async throws {
        try await withLedger { ledger, temporary in
            _ = try await ledger.materialise(entries(10), at: t0)
            try await ledger.setCampaignState("vaccination_round", to: .launched, at: t0)
            // Claimed by another connection (as another process would): this one has no row ids for them.
            let other = try temporary.open()
            let elsewhere = try await other.claim(ClaimRequest(limit: 4, now: at(1)))
            let here = try await ledger.claim(ClaimRequest(limit: 6, now: at(1)))
            try await ledger.markAttempted((elsewhere + here).map(\.messageID), at: at(2))
            let result = try await ledger.record(accepted(elsewhere + here), at: at(3))
            #expect(result == RecordResult(applied: 10))
            #expect(try await ledger.record(accepted(here), at: at(4)) == RecordResult(ignored: 6))
            #expect(try await ledger.counts(campaign: "vaccination_round").count(.accepted) == 10)
        }
    }
}
