public import Foundation
import GRDB
public import OutreachCore

/// Timing, failure reasons and opt-outs for `outreach report`.
extension SQLiteLedger: LedgerReporting {
    public func activity(campaign: String, launchedAt: Date?) async throws -> CampaignActivity {
        let since = launchedAt.map(Milliseconds.from)
        return try await read("read campaign activity") { db in
            var activity = CampaignActivity()
            // "Sent" is what may have left: a message the gateway only ever refused (500s, then failed) did not.
            if let row = try Row.fetchOne(db, sql: """
                SELECT min(sent_at) AS first, max(sent_at) AS last, count(sent_at) AS n
                FROM ledger WHERE campaign = ? AND \(Self.notTest) AND sent_at IS NOT NULL AND \(Self.mayHaveLeft)
                """, arguments: [campaign]) {
                activity.firstSent = (row["first"] as Int64?).map(Milliseconds.date)
                activity.lastSent = (row["last"] as Int64?).map(Milliseconds.date)
                activity.sent = row["n"]
            }
            activity.sendingSeconds = (try Double.fetchOne(db, sql: """
                SELECT total(span) FROM (SELECT max(sent_at) - min(sent_at) AS span
                FROM ledger WHERE campaign = ? AND \(Self.notTest) AND sent_at IS NOT NULL AND \(Self.mayHaveLeft) GROUP BY occurrence)
                """, arguments: [campaign]) ?? 0) / 1000
            activity.failureReasons = try Row.fetchAll(db, sql: """
                SELECT coalesce(last_detail, 'no answer recorded') AS reason, count(*) AS n
                FROM ledger WHERE campaign = ? AND \(Self.notTest) AND state = 'failed'
                GROUP BY reason ORDER BY n DESC, reason LIMIT 10
                """, arguments: [campaign]).map { CampaignActivity.ReasonCount(reason: $0["reason"], count: $0["n"]) }
            if let since {
                activity.optOutsSinceLaunch = try Int.fetchOne(db, sql: "SELECT count(*) FROM opt_out WHERE created_at >= ?",
                                                               arguments: [since]) ?? 0
            }
            return activity
        }
    }

    /// SQL: the entry left for its gateway and was not refused by it — in flight, accepted, delivered, expired,
    /// in doubt, or failed after a gateway accepted it (a delivery report; it has the gateway's id).
    static let mayHaveLeft = """
        (state IN ('sending', 'accepted', 'delivered', 'expired', 'uncertain') OR (state = 'skipped' AND skip_reason = 'in_doubt')
         OR (state = 'failed' AND provider_message_id IS NOT NULL))
        """
}
