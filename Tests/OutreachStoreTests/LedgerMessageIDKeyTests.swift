import Foundation
import Testing
import GRDB
import OutreachCore
@testable import OutreachStore

@Suite("SQLite ledger: message ids hashed with the ledger's own key")
struct LedgerMessageIDKeyTests {
    @Test("a new ledger draws a 32-byte key and keeps it; another ledger draws another")
    func newLedgerKey() throws {
        let a = try TemporaryLedger(), b = try TemporaryLedger()
        defer { a.remove(); b.remove() }
        let key = try SQLiteLedger(path: a.path).messageIDKey
        #expect(key.bytes.count == 32 && key.scheme == .hmacSHA256)
        #expect(try SQLiteLedger(path: a.path).messageIDKey == key)
        #expect(try SQLiteLedger(path: b.path).messageIDKey != key)
    }

    @Test("ids under a key: the same each time, unlike the unkeyed ones or another key's, person first as before")
    func keyedIDs() {
        let k1 = MessageIDKey.random(), k2 = MessageIDKey.random()
        let id = LedgerEntry.messageID(campaign: "c", occurrence: "o", recipient: "1012345678", key: k1)
        #expect(id == LedgerEntry.messageID(campaign: "c", occurrence: "o", recipient: "1012345678", key: k1))
        #expect(id.count == 33 && id.hasPrefix(LedgerEntry.messageIDPrefix(recipient: "1012345678", key: k1)))
        #expect(!id.hasPrefix(LedgerEntry.messageIDPrefix(recipient: "1012345678", key: .none)))
        #expect(id != LedgerEntry.messageID(campaign: "c", occurrence: "o", recipient: "1012345678", key: .none))
        #expect(id != LedgerEntry.messageID(campaign: "c", occurrence: "o", recipient: "1012345678", key: k2))
        #expect(LedgerEntry(campaign: "c", occurrence: "o", recipientID: "1012345678", address: "+966500000001",
                            channel: .sms, dueAt: t0, key: k1).messageID == id)
    }

    @Test("entries made without the ledger's key are refused; with it the frequency cap counts them")
    func capUnderKey() async throws {
        let temporary = try TemporaryLedger()
        defer { temporary.remove() }
        let ledger = try SQLiteLedger(path: temporary.path)
        await #expect(throws: OutreachError.self) { _ = try await ledger.materialise(entries(1), at: t0) }
        func keyed(_ occurrence: String) -> [LedgerEntry] {
            (0..<2).map { i in
                LedgerEntry(campaign: "b", occurrence: occurrence, recipientID: "r\(i)", address: phone(i), channel: .sms,
                            dueAt: t0, payload: .init(text: "تذكير"), key: ledger.messageIDKey)
            }
        }
        for occurrence in ["o1", "o2", "o3"] { _ = try await ledger.materialise(keyed(occurrence), at: t0) }
        try await ledger.setCampaignState("b", to: .launched, at: t0)
        let cap = FrequencyCap(maxMessages: 2, days: 7)
        let claimed = try await ledger.claim(ClaimRequest(limit: 10, now: t0, defaultCap: cap))
        #expect(claimed.count == 4)
        #expect(try await ledger.counts(campaign: "b").skipped(.capped) == 2)
        #expect(try await ledger.recentSends(recipients: ["r0", "r1"], since: t0) == ["r0": 2, "r1": 2])
    }

    @Test("a new ledger's ids are HMAC-SHA256 under its key, and the scheme is recorded with the key")
    func newLedgerIsHMAC() async throws {
        let temporary = try TemporaryLedger()
        defer { temporary.remove() }
        let ledger = try SQLiteLedger(path: temporary.path)
        let mac = HMACSHA256(key: ledger.messageIDKey.bytes)
        func first64(_ text: String) -> String {
            mac.code(Array(text.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
        }
        let entry = LedgerEntry(campaign: "c", occurrence: "o", recipientID: "1012345678", address: phone(1), channel: .sms,
                                dueAt: t0, payload: .init(text: "تذكير"), key: ledger.messageIDKey)
        #expect(entry.messageID == "m" + first64("p\u{0}1012345678") + first64("c\u{0}o\u{0}1012345678"))
        #expect(try await ledger.materialise([entry], at: t0).inserted == 1)
        let stored = try await DatabaseQueue(path: temporary.path).read { db in
            try String.fetchOne(db, sql: "SELECT scheme FROM ledger_key")
        }
        #expect(stored == "hmac-sha256")
    }

    @Test("a ledger keyed before HMAC (v9) keeps making the ids it made: entries, caps and reports still match")
    func v9LedgerKeepsItsIDs() async throws {
        let temporary = try TemporaryLedger()
        defer { temporary.remove() }
        try FileManager.default.createDirectory(at: temporary.folder, withIntermediateDirectories: true)
        let keyBytes = (0..<32).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        // The v9 scheme, written out here rather than through the code under test: SHA-256 over key then data.
        @Sendable func v9ID(_ recipient: String, occurrence: String) -> String {
            func first64(_ text: String) -> String {
                SHA256.hash(keyBytes + Array(text.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
            }
            return "m" + first64("p\u{0}\(recipient)") + first64("vaccination_round\u{0}\(occurrence)\u{0}\(recipient)")
        }
        do {
            let queue = try DatabaseQueue(path: temporary.path)
            try SQLiteLedger.migrator.migrate(queue, upTo: "v9-message-id-key")
            try await queue.write { db in
                try db.execute(sql: "INSERT INTO ledger_key (id, key) VALUES (1, ?)", arguments: [Data(keyBytes)])
                for i in 0..<2 {
                    try db.execute(sql: """
                        INSERT INTO ledger (campaign, occurrence, recipient_id, message_id, address, channel, parts, state,
                                            due_at, queued_at, sent_at, updated_at)
                        VALUES ('vaccination_round', 'o1', ?, ?, ?, 'sms', 1, 'accepted', ?, ?, ?, ?)
                        """, arguments: ["r\(i)", v9ID("r\(i)", occurrence: "o1"), phone(i),
                                         1_818_770_400_000, 1_818_770_400_000, 1_818_770_400_000 + i, 1_818_770_400_000])
                }
            }
        }
        let ledger = try SQLiteLedger(path: temporary.path)
        #expect(ledger.messageIDKey == MessageIDKey(scheme: .sha256KeyPrefix, bytes: keyBytes))
        #expect(try await ledger.appliedMigrations().last == "v15-outcomes")
        func made(_ n: Int, occurrence: String) -> [LedgerEntry] {
            (0..<n).map { i in
                LedgerEntry(campaign: "vaccination_round", occurrence: occurrence, recipientID: "r\(i)", address: phone(i),
                            channel: .sms, dueAt: t0, payload: .init(text: "تذكير"), key: ledger.messageIDKey)
            }
        }
        #expect(made(2, occurrence: "o1").map(\.messageID) == ["r0", "r1"].map { v9ID($0, occurrence: "o1") })
        #expect(made(1, occurrence: "o2")[0].messageID == v9ID("r0", occurrence: "o2"))
        // The same occurrence again adds nothing; the frequency cap counts the sends from before.
        #expect(try await ledger.materialise(made(3, occurrence: "o1"), at: t0) == MaterialisationResult(inserted: 1, alreadyPresent: 2))
        #expect(try await ledger.recentSends(recipients: ["r0", "r1", "r2"], since: t0) == ["r0": 1, "r1": 1])
        let report = DeliveryReport(key: .messageID(v9ID("r1", occurrence: "o1")), status: .delivered, at: at(5))
        #expect(try await ledger.recordDeliveryReports([report]) == RecordResult(applied: 1))
        // Opened again, still the same key and scheme.
        #expect(try SQLiteLedger(path: temporary.path).messageIDKey == ledger.messageIDKey)
    }

    @Test("a batch with one entry made with another key, anywhere in it, is refused whole")
    func wrongKeyInTheMiddle() async throws {
        let temporary = try TemporaryLedger()
        defer { temporary.remove() }
        let ledger = try SQLiteLedger(path: temporary.path)
        func entry(_ i: Int, key: MessageIDKey) -> LedgerEntry {
            LedgerEntry(campaign: "b", occurrence: "o", recipientID: "r\(i)", address: phone(i), channel: .sms,
                        dueAt: t0, payload: .init(text: "تذكير"), key: key)
        }
        var batch = (0..<5).map { entry($0, key: ledger.messageIDKey) }
        batch[2] = entry(2, key: MessageIDKey.random())
        await #expect(throws: OutreachError.self) { _ = try await ledger.materialise(batch, at: t0) }
        batch[2] = entry(2, key: .none)
        await #expect(throws: OutreachError.self) { _ = try await ledger.materialise(batch, at: t0) }
        #expect(try await ledger.counts(campaign: "b").targeted == 0)
        // An entry given its id (no origin) is checked by its id's prefix.
        var given = entry(2, key: MessageIDKey.random())
        given.idOrigin = .unknown
        batch[2] = given
        await #expect(throws: OutreachError.self) { _ = try await ledger.materialise(batch, at: t0) }
        batch[2] = entry(2, key: ledger.messageIDKey)
        batch[2].idOrigin = .unknown
        #expect(try await ledger.materialise(batch, at: t0).inserted == 5)
    }
}
