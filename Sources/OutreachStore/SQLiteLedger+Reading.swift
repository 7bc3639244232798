public import Foundation
import GRDB
public import OutreachCore

/// Entries, counts and the frequency-cap query.
extension SQLiteLedger {
    public func entry(messageID: String) async throws -> LedgerEntry? {
        try await read("read entry") { db in
            try LedgerRecord.fetchOne(db, sql: "SELECT \(LedgerRecord.columnList) FROM \(LedgerRecord.source) WHERE ledger.message_id = ?",
                                      arguments: [try Self.currentMessageID(db, messageID)])?.entry
        }
    }

    public func entries(campaign: String, state: LedgerState?, limit: Int) async throws -> [LedgerEntry] {
        try await read("read entries") { db in
            var sql = "SELECT \(LedgerRecord.columnList) FROM \(LedgerRecord.source) WHERE ledger.campaign = ?"
            var arguments: StatementArguments = [campaign]
            if let state {
                sql += " AND ledger.state = ?"
                arguments += [state.rawValue]
            }
            sql += " ORDER BY ledger.due_at, ledger.id LIMIT ?"
            arguments += [max(0, limit)]
            return try LedgerRecord.fetchAll(db, sql: sql, arguments: arguments).map(\.entry)
        }
    }

    public func counts(campaign: String) async throws -> LedgerCounts {
        try await read("count") { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT occurrence, segment, variant, channel, state, skip_reason,
                    id IN (SELECT entry_id FROM ledger_event WHERE to_state = 'uncertain') AS doubted,
                    count(*) AS n, total(parts) AS parts
                FROM ledger WHERE campaign = ? AND \(Self.notTest)
                GROUP BY occurrence, segment, variant, channel, state, skip_reason, doubted
                ORDER BY occurrence, segment, variant, channel, state, skip_reason, doubted
                """, arguments: [campaign])
            var counts = LedgerCounts(campaign: campaign, rows: rows.map { row in
                var count = LedgerCount(occurrence: row["occurrence"], segment: row["segment"],
                                        channel: Channel(rawValue: row["channel"]) ?? .sms,
                                        state: LedgerState(rawValue: row["state"]) ?? .uncertain,
                                        skipReason: (row["skip_reason"] as String?).flatMap(SkipReason.init(rawValue:)),
                                        count: row["n"], parts: Int(row["parts"] as Double), wasInDoubt: row["doubted"])
                count.variant = row["variant"]
                return count
            })
            counts.testSends = try Int.fetchOne(db, sql: "SELECT count(*) FROM ledger WHERE campaign = ? AND NOT \(Self.notTest)",
                                                arguments: [campaign]) ?? 0
            return counts
        }
    }

    /// SQL: the entry is not a test send (`TestOccurrence`); reports leave those out of their figures.
    static let notTest = "occurrence NOT LIKE '\(TestOccurrence.prefix)%'"

    public func heldByQuietHours(campaign: String, at now: Date) async throws -> (count: Int, resumesAt: Date?) {
        let now = Milliseconds.from(now)
        return try await read("quiet-hours count") { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT count(*) AS n, min(quiet_until + ((?1 - quiet_from) / \(Self.dayMilliseconds)) * \(Self.dayMilliseconds)) AS resumes
                FROM ledger INDEXED BY ledger_claim_campaign
                WHERE \(Self.heldByQuietHours)
                """, arguments: [now, campaign])
            let resumes: Int64? = row?["resumes"]
            return (row?["n"] ?? 0, resumes.map(Milliseconds.date))
        }
    }

    /// `?1`: now, `?2`: the campaign.
    static let heldByQuietHours = "state = 'queued' AND campaign = ?2 AND due_at <= ?1 AND \(quietHoursHold(at: "?1"))"

    public func skipHeldByQuietHours(campaign: String, at now: Date) async throws -> Int {
        let now = Milliseconds.from(now)
        return try await write("skip what quiet hours hold") { db in
            try db.execute(sql: """
                UPDATE ledger INDEXED BY ledger_claim_campaign
                SET state = 'skipped', skip_reason = ?3, finished_at = ?1, updated_at = ?1,
                    last_detail = 'still queued when quiet hours began (quiet_hours_overflow: skip)'
                WHERE \(Self.heldByQuietHours)
                """, arguments: [now, campaign, SkipReason.quietHoursOverflow.rawValue])
            return db.changesCount
        }
    }

    public func recentSends(recipients: [String], since: Date) async throws -> [String: Int] {
        let since = Milliseconds.from(since)
        let key = messageIDKey
        return try await read("frequency-cap query") { db in
            var counts: [String: Int] = [:]
            for recipient in Set(recipients) {
                let n = try Self.recentSends(db, recipient: recipient, since: since, key: key)
                if n > 0 { counts[recipient] = n }
            }
            return counts
        }
    }
}
