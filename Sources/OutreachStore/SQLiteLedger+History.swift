public import Foundation
import GRDB
public import OutreachCore

/// A person's messages, for a support desk answering "did you send me this?". Read through the indexes the
/// send path already keeps: a person's entries are one range of the message-id index (ids lead with the
/// person's key under this ledger's `MessageIDKey`, as the frequency cap reads them); an address's sent
/// messages are in the `ledger_address_sent` index. Payloads (message texts) are not read.
extension SQLiteLedger {
    /// Every entry for population id `recipientID` (any campaign, channel or state; test sends included),
    /// newest first, at most `limit`.
    public func history(recipientID: String, limit: Int) async throws -> [LedgerEntry] {
        let prefix = LedgerEntry.messageIDPrefix(recipient: recipientID, key: messageIDKey)
        return try await read("read a person's history") { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Self.historyColumns) FROM ledger
                WHERE message_id >= ? AND message_id < ? AND recipient_id = ?
                ORDER BY coalesce(sent_at, due_at) DESC, id DESC LIMIT ?
                """, arguments: [prefix, prefix + "g", recipientID, max(0, limit)]).map(Self.historyEntry)
        }
    }

    /// The messages that left for `address` (as the ledger holds it: E.164 phone, lower-cased email),
    /// newest first, at most `limit`. Entries never sent (skipped, still queued) are not in the index and
    /// not listed: look them up by person id.
    public func history(address: String, limit: Int) async throws -> [LedgerEntry] {
        try await read("read an address's history") { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Self.historyColumns) FROM ledger INDEXED BY ledger_address_sent
                WHERE address = ? AND sent_at IS NOT NULL
                ORDER BY sent_at DESC, id DESC LIMIT ?
                """, arguments: [address, max(0, limit)]).map(Self.historyEntry)
        }
    }

    static let historyColumns = """
        message_id, campaign, occurrence, recipient_id, segment, address, channel, parts, state, skip_reason, attempts,
        provider_message_id, last_detail, due_at, queued_at, sent_at, finished_at
        """

    static func historyEntry(_ row: Row) -> LedgerEntry {
        LedgerEntry(messageID: row["message_id"], campaign: row["campaign"], occurrence: row["occurrence"],
                    recipientID: row["recipient_id"], segment: row["segment"], address: row["address"],
                    channel: Channel(rawValue: row["channel"]) ?? .sms, parts: row["parts"],
                    state: LedgerState(rawValue: row["state"]) ?? .uncertain,
                    skipReason: (row["skip_reason"] as String?).flatMap(SkipReason.init(rawValue:)), attempts: row["attempts"],
                    providerMessageID: row["provider_message_id"], lastDetail: row["last_detail"],
                    dueAt: Milliseconds.date(row["due_at"]), queuedAt: Milliseconds.date(row["queued_at"]),
                    sentAt: (row["sent_at"] as Int64?).map(Milliseconds.date),
                    finishedAt: (row["finished_at"] as Int64?).map(Milliseconds.date), payload: nil)
    }
}
