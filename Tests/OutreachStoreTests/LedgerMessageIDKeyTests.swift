import Foundation
import Testing
import OutreachCore
import OutreachStore

@Suite("SQLite ledger: message ids hashed with the ledger's own key")
struct LedgerMessageIDKeyTests {
    @Test("a new ledger draws a 32-byte key and keeps it; another ledger draws another")
    func newLedgerKey() throws {
        let a = try TemporaryLedger(), b = try TemporaryLedger()
        defer { a.remove(); b.remove() }
        let key = try SQLiteLedger(path: a.path).messageIDKey
        #expect(key.bytes.count == 32)
        #expect(try SQLiteLedger(path: a.path).messageIDKey == key)
        #expect(try SQLiteLedger(path: b.path).messageIDKey != key)
    }

    @Test("ids under a key: the same each time, unlike the unkeyed ones or another key's, person first as before")
    func keyedIDs() {
        let k1 = MessageIDKey.random(), k2 = MessageIDKey.random()
        let id = LedgerEntry.messageID(campaign: "c", occurrence: "o", recipient: "1012345678", key: k1)
        #expect(id == LedgerEntry.messageID(campaign: "c", occurrence: "o", recipient: "1012345678", key: k1))
        #expect(id.count == 33 && id.hasPrefix(LedgerEntry.messageIDPrefix(recipient: "1012345678", key: k1)))
        #expect(!id.hasPrefix(LedgerEntry.messageIDPrefix(recipient: "1012345678")))
        #expect(id != LedgerEntry.messageID(campaign: "c", occurrence: "o", recipient: "1012345678"))
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
}
