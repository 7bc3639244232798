public import Foundation
import GRDB
public import OutreachCore

/// Replies (SMS MO) and one-click unsubscribes: each recorded against the
/// message it answers, and applied to the suppression list in the same
/// transaction, so a STOP is never stored without taking effect (or the reverse).
extension SQLiteLedger {
    /// The `gateway` of an unsubscribe-link row in the `reply` table (not a reply; counted apart).
    static let unsubscribeLink = "unsubscribe-link"

    /// Records `reply`, finds the last message sent to its address, and applies `action`:
    /// `.stop` adds the address to the suppression list (source `reply`), `.start` removes it
    /// (the outcome is `opted_in` only when there was an opt-out to remove).
    public func recordReply(_ reply: InboundReply, action: StopWords.Action?) async throws -> RecordedReply {
        try await write("record reply") { db in
            let answered = try Self.lastSent(db, to: reply.from.value)
            var outcome = ReplyOutcome.stored
            switch action {
            case .stop:
                try Self.optOut(db, reply.from, source: "reply", reason: answered?.campaign.map { "reply to \($0)" },
                                at: reply.receivedAt)
                outcome = .optedOut
            case .start:
                let removed = try OptOutRecord.deleteOne(db, key: reply.from.value)
                outcome = removed ? .optedIn : .stored
            case nil:
                break
            }
            let id = try Self.insertReply(db, address: reply.from, text: reply.text, gateway: reply.gateway,
                                          at: reply.receivedAt, answered: answered, outcome: outcome)
            return RecordedReply(id: id, outcome: outcome, campaign: answered?.campaign, occurrence: answered?.occurrence,
                                 messageID: answered?.messageID)
        }
    }

    /// One-click unsubscribe from the message `messageID`: opts its address out (source `unsubscribe`).
    /// Idempotent: a second use of the same link changes nothing and reports the same message.
    /// nil when the ledger has no such message.
    public func unsubscribe(messageID: String, at: Date) async throws -> RecordedReply? {
        try await write("unsubscribe") { db in
            let id = try Self.currentMessageID(db, messageID)
            guard let row = try Row.fetchOne(db, sql: """
                SELECT campaign, occurrence, message_id, segment, address, channel FROM ledger WHERE message_id = ?
                """, arguments: [id]) else { return nil }
            let address = ContactAddress(ledgerAddress: row["address"], channel: Channel(rawValue: row["channel"]) ?? .email)
            let answered = Answered(campaign: row["campaign"], occurrence: row["occurrence"], messageID: row["message_id"],
                                    segment: row["segment"])
            if let existing = try Int64.fetchOne(db, sql: "SELECT id FROM reply WHERE message_id = ? AND gateway = ?",
                                                 arguments: [answered.messageID, Self.unsubscribeLink]) {
                try Self.optOut(db, address, source: "unsubscribe", reason: answered.campaign.map { "unsubscribe link from \($0)" }, at: at)
                return RecordedReply(id: existing, outcome: .optedOut, campaign: answered.campaign,
                                     occurrence: answered.occurrence, messageID: answered.messageID)
            }
            try Self.optOut(db, address, source: "unsubscribe", reason: answered.campaign.map { "unsubscribe link from \($0)" }, at: at)
            let replyID = try Self.insertReply(db, address: address, text: "", gateway: Self.unsubscribeLink, at: at,
                                               answered: answered, outcome: .optedOut)
            return RecordedReply(id: replyID, outcome: .optedOut, campaign: answered.campaign, occurrence: answered.occurrence,
                                 messageID: answered.messageID)
        }
    }

    /// Replies to `campaign` and what they did, with its unsubscribe-link opt-outs.
    public func replyCounts(campaign: String) async throws -> ReplyCounts {
        try await read("count replies") { db in
            var counts = ReplyCounts()
            for row in try Row.fetchAll(db, sql: """
                SELECT gateway = ? AS link, outcome, count(*) AS n FROM reply WHERE campaign = ? GROUP BY link, outcome
                """, arguments: [Self.unsubscribeLink, campaign]) {
                let n: Int = row["n"]
                if row["link"] as Bool { counts.unsubscribes += n; continue }
                counts.replies += n
                switch ReplyOutcome(rawValue: row["outcome"]) {
                case .optedOut: counts.optOuts += n
                case .optedIn: counts.optIns += n
                default: break
                }
            }
            return counts
        }
    }

    /// The same per segment of the message each reply answers (nil segment: "—" in reports).
    public func replyCountsBySegment(campaign: String) async throws -> [String?: ReplyCounts] {
        try await read("count replies by segment") { db in
            var out: [String?: ReplyCounts] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT segment, gateway = ? AS link, outcome, count(*) AS n FROM reply WHERE campaign = ?
                GROUP BY segment, link, outcome
                """, arguments: [Self.unsubscribeLink, campaign]) {
                let n: Int = row["n"]
                let segment: String? = row["segment"]
                var counts = out[segment] ?? ReplyCounts()
                if row["link"] as Bool {
                    counts.unsubscribes += n
                } else {
                    counts.replies += n
                    if row["outcome"] == ReplyOutcome.optedOut.rawValue { counts.optOuts += n }
                    if row["outcome"] == ReplyOutcome.optedIn.rawValue { counts.optIns += n }
                }
                out[segment] = counts
            }
            return out
        }
    }

    // MARK: - Inside a transaction

    struct Answered {
        var campaign: String?
        var occurrence: String?
        var messageID: String?
        var segment: String?
    }

    /// The last message that left for `address` (test sends included: a staff member can answer one too).
    static func lastSent(_ db: Database, to address: String) throws -> Answered? {
        let statement = try db.cachedStatement(sql: """
            SELECT campaign, occurrence, message_id, segment FROM ledger
            WHERE address = ? AND sent_at IS NOT NULL ORDER BY sent_at DESC, id DESC LIMIT 1
            """)
        return try Row.fetchOne(statement, arguments: [address]).map { row in
            Answered(campaign: row["campaign"], occurrence: row["occurrence"], messageID: row["message_id"], segment: row["segment"])
        }
    }

    static func optOut(_ db: Database, _ address: ContactAddress, source: String, reason: String?, at: Date) throws {
        // As addOptOuts: refreshes source and reason, keeps the first opt-out time.
        try db.cachedStatement(sql: """
            INSERT INTO opt_out (address, channel, source, reason, created_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (address) DO UPDATE SET source = excluded.source, reason = COALESCE(excluded.reason, reason)
            """).execute(arguments: [address.value, address.channel.rawValue, source, reason, Milliseconds.from(at)])
    }

    static func insertReply(_ db: Database, address: ContactAddress, text: String, gateway: String, at: Date,
                            answered: Answered?, outcome: ReplyOutcome) throws -> Int64 {
        try db.cachedStatement(sql: """
            INSERT INTO reply (received_at, address, channel, text, gateway, campaign, occurrence, message_id, segment, outcome)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [Milliseconds.from(at), address.value, address.channel.rawValue, text, gateway,
                                     answered?.campaign, answered?.occurrence, answered?.messageID, answered?.segment,
                                     outcome.rawValue])
        return db.lastInsertedRowID
    }
}
