import Foundation
import OutreachCore
import OutreachStore

/// A fresh ledger in its own temporary folder for each test (a real SQLite
/// file in WAL mode, as in production), removed afterwards.
struct TemporaryLedger {
    let folder: URL
    let path: String

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("outreach-ledger-\(UUID().uuidString)")
        path = folder.appendingPathComponent("ledger.sqlite").path
    }

    /// Without a message-id key (`MessageIDKey.none`): these tests make their entries' ids themselves.
    func open() throws -> SQLiteLedger {
        try SQLiteLedger(path: path, newKey: MessageIDKey.none)
    }

    func remove() {
        try? FileManager.default.removeItem(at: folder)
    }
}

/// Runs `body` with a fresh ledger and removes it afterwards.
func withLedger(_ body: (SQLiteLedger, TemporaryLedger) async throws -> Void) async throws {
    let temporary = try TemporaryLedger()
    defer { temporary.remove() }
    try await body(try temporary.open(), temporary)
}

/// A fixed clock origin: 2027-08-20T14:00:00Z.
let t0 = Date(timeIntervalSince1970: 1_818_770_400)

func at(_ seconds: Double) -> Date { t0.addingTimeInterval(seconds) }

/// `n` queued SMS entries of one occurrence, recipients `r0…`, phones `+96650…`.
func entries(_ n: Int, campaign: String = "vaccination_round", occurrence: String = "o1", segment: String? = nil,
             from start: Int = 0, due: Date = t0) -> [LedgerEntry] {
    (start..<(start + n)).map { i in
        LedgerEntry(campaign: campaign, occurrence: occurrence, recipientID: "r\(i)", segment: segment,
                    address: phone(i), channel: .sms, parts: 2, dueAt: due,
                    payload: .init(sender: "MOH", text: "تذكير بموعد التطعيم رقم \(i)", language: "ar"), key: .none)
    }
}

func phone(_ i: Int) -> String {
    let digits = String(i)
    return "+9665" + String(repeating: "0", count: 8 - digits.count) + digits
}

func accepted(_ entries: [LedgerEntry], provider: Bool = false) -> [DeliveryOutcome] {
    entries.map { DeliveryOutcome(messageID: $0.messageID, kind: .accepted, providerMessageID: provider ? "p-\($0.messageID)" : nil,
                                  status: 202, detail: "Accepted for delivery") }
}
