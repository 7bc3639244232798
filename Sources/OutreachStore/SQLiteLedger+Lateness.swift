public import Foundation
import GRDB
import OutreachCore

extension SQLiteLedger {
    public func skipOverdue(campaign: String, lateness: TimeInterval, at now: Date) async throws -> Int {
        let now = Milliseconds.from(now)
        let limit = now - Int64((max(0, lateness) * 1000).rounded())
        let detail = "still queued more than \(Self.hours(lateness)) after it was due (the scheduler was stopped?); too late to send"
        return try await write("skip overdue entries") { db in
            // Through the claim index: entries due before the limit, then those whose quiet stretch also ended before it.
            try db.execute(sql: """
                UPDATE ledger INDEXED BY ledger_claim_campaign
                SET state = 'skipped', skip_reason = ?1, last_detail = ?2, finished_at = ?3, updated_at = ?3
                WHERE state = 'queued' AND campaign = ?4 AND due_at < ?5 AND COALESCE(quiet_until, due_at) < ?5
                """, arguments: [SkipReason.tooLate.rawValue, detail, now, campaign, limit])
            return db.changesCount
        }
    }

    private static func hours(_ seconds: TimeInterval) -> String {
        let hours = Int((seconds / 3600).rounded())
        return hours % 24 == 0 && hours >= 48 ? "\(hours / 24) days" : "\(hours) hours"
    }
}
