public import Foundation
import GRDB
public import OutreachCore

/// Outcomes imported from the registry, and the campaign's people as the outcome report measures them.
extension SQLiteLedger {
    /// What an import did.
    public struct OutcomeImport: Sendable, Equatable, Codable {
        public var added = 0
        /// People whose day for the field changed.
        public var replaced = 0
        /// People whose day was already the same.
        public var unchanged = 0

        public init(added: Int = 0, replaced: Int = 0, unchanged: Int = 0) {
            self.added = added
            self.replaced = replaced
            self.unchanged = unchanged
        }
    }

    /// Stores each person's outcome day for `campaign` and `field` (the person's population id, as the ledger
    /// keys its rows); a person already stored gets the new day. One transaction per 10,000.
    public func recordOutcomes(campaign: String, field: String, source: String, _ outcomes: [(recipientID: String, day: Day)],
                               at: Date) async throws -> OutcomeImport {
        var result = OutcomeImport()
        let now = Milliseconds.from(at)
        for start in stride(from: 0, to: outcomes.count, by: 10_000) {
            let chunk = Array(outcomes[start..<min(start + 10_000, outcomes.count)].map { ($0.recipientID, $0.day.daysSinceEpoch) })
            let counted = try await write("record outcomes") { db in
                var c = OutcomeImport()
                let find = try db.makeStatement(sql: "SELECT day FROM outcome WHERE campaign = ? AND field = ? AND recipient_id = ?")
                let upsert = try db.makeStatement(sql: """
                    INSERT INTO outcome (campaign, field, recipient_id, day, source, imported_at) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (campaign, field, recipient_id) DO UPDATE SET day = excluded.day, source = excluded.source,
                        imported_at = excluded.imported_at
                    """)
                for (id, day) in chunk {
                    let old = try Int32.fetchOne(find, arguments: [campaign, field, id])
                    switch old {
                    case nil: c.added += 1
                    case day?: c.unchanged += 1; continue
                    default: c.replaced += 1
                    }
                    try upsert.execute(arguments: [campaign, field, id, day, source, now])
                }
                return c
            }
            result.added += counted.added
            result.replaced += counted.replaced
            result.unchanged += counted.unchanged
        }
        return result
    }

    /// The fields imported for `campaign`, with how many people each.
    public func outcomeFields(campaign: String) async throws -> [String: Int] {
        try await read("count outcomes") { db in
            var fields: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT field, count(*) AS n FROM outcome WHERE campaign = ? GROUP BY field",
                                        arguments: [campaign]) {
                fields[row["field"]] = row["n"]
            }
            return fields
        }
    }

    /// Each person of `campaign`'s ledger, once: segment, variant (when the ledger keeps them), first message
    /// the gateway took, when a held-out person's first message would have gone, SMS parts that went, the
    /// day of their `field` outcome, and their replies and opt-outs (by reply or unsubscribe link) to it.
    public func measuredPeople(campaign: String, field: String) async throws -> [MeasuredPerson] {
        try await read("measure outcomes") { db in
            let columns = try Set(Row.fetchAll(db, sql: "PRAGMA table_info(ledger)").map { $0["name"] as String })
            let variant = columns.contains("variant") ? "l.variant" : "NULL"
            // Replies per person, through the message they answer.
            var replies: [String: (Int, Int)] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT l.recipient_id AS person, count(*) AS n, sum(r.outcome = 'opted_out') AS stops
                FROM reply r JOIN ledger l ON l.message_id = r.message_id
                WHERE r.campaign = ? GROUP BY l.recipient_id
                """, arguments: [campaign]) {
                replies[row["person"]] = (row["n"], row["stops"] ?? 0)
            }
            var people: [MeasuredPerson] = []
            let rows = try Row.fetchCursor(db, sql: """
                SELECT l.recipient_id AS person, min(l.segment) AS segment, min(\(variant)) AS variant,
                       min(CASE WHEN l.state IN ('accepted', 'delivered') THEN coalesce(l.sent_at, l.due_at) END) AS first_sent,
                       min(CASE WHEN l.state = 'skipped' AND l.skip_reason = 'holdout' THEN l.due_at END) AS held_at,
                       sum(CASE WHEN l.state IN ('accepted', 'delivered') AND l.channel = 'sms' THEN l.parts ELSE 0 END) AS parts,
                       o.day AS day
                FROM ledger l
                LEFT JOIN outcome o ON o.campaign = l.campaign AND o.field = ? AND o.recipient_id = l.recipient_id
                WHERE l.campaign = ? AND substr(l.occurrence, 1, 5) <> 'test@'
                GROUP BY l.recipient_id
                """, arguments: [field, campaign])
            while let row = try rows.next() {
                let person: String = row["person"]
                let counts = replies[person] ?? (0, 0)
                people.append(MeasuredPerson(
                    id: person, segment: row["segment"] ?? "—", variant: row["variant"],
                    firstSent: (row["first_sent"] as Int64?).map(Milliseconds.date),
                    heldOutAt: (row["held_at"] as Int64?).map(Milliseconds.date),
                    parts: row["parts"] ?? 0, outcome: (row["day"] as Int32?).map { Day(daysSinceEpoch: $0) },
                    replies: counts.0, optOuts: counts.1))
            }
            return people
        }
    }
}

extension SQLiteLedger {
    /// The campaign's stored outcomes for `field`, and of them those of people in its ledger.
    public func outcomeCoverage(campaign: String, field: String) async throws -> (stored: Int, inLedger: Int) {
        try await read("count outcomes") { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT count(*) AS stored,
                       sum(EXISTS (SELECT 1 FROM ledger l WHERE l.campaign = o.campaign AND l.recipient_id = o.recipient_id)) AS known
                FROM outcome o WHERE o.campaign = ? AND o.field = ?
                """, arguments: [campaign, field])
            return (row?["stored"] ?? 0, row?["known"] ?? 0)
        }
    }
}
