import Foundation
import GRDB
import Testing
import OutreachCore
@testable import OutreachStore

/// A ledger written before `v5-person-index`, `v6-person-ordered-message-ids` or
/// `v7-payload-table` opens with every entry, its rendered message, its
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
        #expect(try await ledger.appliedMigrations().last == "v15-outcomes")
        let counts = try await ledger.counts(campaign: "vaccination_round")
        #expect(counts.targeted == 3 && counts.count(.accepted) == 1 && counts.count(.queued) == 2)
        #expect(try await ledger.materialise(entries(5), at: t0) == MaterialisationResult(inserted: 2, alreadyPresent: 3))
        #expect(try await ledger.recentSends(recipients: ["r0", "r1"], since: t0) == ["r0": 1])
        #expect(try await ledger.entry(messageID: entries(1)[0].messageID)?.state == .accepted)
    }

    @Test("a v5 ledger's ids are rewritten person-first; old ids still find their entry and take delivery reports")
    func fromV5() async throws {
        let temporary = try TemporaryLedger()
        defer { temporary.remove() }
        try FileManager.default.createDirectory(at: temporary.folder, withIntermediateDirectories: true)
        let old = entries(3)
        do {
            let queue = try DatabaseQueue(path: temporary.path)
            try SQLiteLedger.migrator.migrate(queue, upTo: "v5-person-index")
            try await queue.write { db in
                for (i, entry) in old.enumerated() {
                    var record = LedgerRecord(entry, updatedAt: t0)
                    record.messageID = oldID(entry)
                    if i == 0 { record.state = "accepted"; record.sentAt = 1_818_770_400_000 }
                    if i == 2 { record.state = "sending"; record.sentAt = 1_818_770_400_000 }
                    try record.insert(db)
                }
                // A delivery report that arrived before entry 2's outcome, keyed by its old id.
                try db.execute(sql: "INSERT INTO pending_report (key_kind, key, status, at) VALUES ('message', ?, 'delivered', 1)",
                               arguments: [oldID(old[2])])
            }
        }
        // Offered a random message-id key, a ledger that has entries keeps its ids: no key.
        let ledger = try SQLiteLedger(path: temporary.path)
        #expect(ledger.messageIDKey == MessageIDKey.none)
        #expect(try await ledger.appliedMigrations().last == "v15-outcomes")
        let renamed = try #require(try await ledger.entry(messageID: oldID(old[0])))
        #expect(renamed.messageID == old[0].messageID && renamed.messageID != oldID(old[0]))
        #expect(renamed.messageID.hasPrefix(LedgerEntry.messageIDPrefix(recipient: "r0", key: .none)))
        // The rendered message moved to ledger_payload (v7) with its entry.
        #expect(renamed.payload == old[0].payload && renamed.payload != nil)
        // A report for a message sent before the upgrade, by the id the gateway was given then.
        let report = DeliveryReport(key: .messageID(oldID(old[0])), status: .delivered, at: at(5))
        #expect(try await ledger.recordDeliveryReports([report]) == RecordResult(applied: 1))
        #expect(try await ledger.entry(messageID: old[0].messageID)?.state == .delivered)
        // Still unique per person, campaign and occurrence; the cap still counts the old send.
        #expect(try await ledger.materialise(entries(5), at: t0) == MaterialisationResult(inserted: 2, alreadyPresent: 3))
        #expect(try await ledger.recentSends(recipients: ["r0", "r1", "r2"], since: t0) == ["r0": 1, "r2": 1])
        // The parked report now waits under the new id, and is applied with entry 2's outcome.
        let outcome = DeliveryOutcome(messageID: old[2].messageID, kind: .accepted, detail: "0: Accepted for delivery", attempts: 1)
        #expect(try await ledger.record([outcome], at: at(6)) == RecordResult(applied: 1))
        #expect(try await ledger.entry(messageID: old[2].messageID)?.state == .delivered)
        let indexes = try await DatabaseQueue(path: temporary.path).read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'ledger'")
        }
        #expect(!indexes.contains("ledger_person"))
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

/// An id as v5 derived it: 128 bits of SHA-256 over campaign, occurrence and recipient.
private func oldID(_ entry: LedgerEntry) -> String {
    let digest = SHA256.hash(Array("\(entry.campaign)\u{0}\(entry.occurrence)\u{0}\(entry.recipientID)".utf8))
    return "m" + digest.prefix(16).map { String(format: "%02x", $0) }.joined()
}
