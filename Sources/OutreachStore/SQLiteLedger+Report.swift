public import Foundation
import GRDB
public import OutreachCore

/// A campaign's report as `outreach report NAME` prints it and the JSON API serves it: the one place its
/// figures are put together from the ledger.
extension SQLiteLedger {
    /// Counts per occurrence and segment, activity (timing, failure reasons, opt-outs since launch) and
    /// replies; `draft` with zero figures for a campaign the ledger has never seen.
    public func report(campaign: String) async throws -> CampaignReport {
        let status = try await campaigns().first { $0.campaign == campaign }
        var report = CampaignReport(campaign: campaign, state: status?.state ?? .draft, launchedAt: status?.launchedAt,
                                    counts: try await counts(campaign: campaign),
                                    activity: try await activity(campaign: campaign, launchedAt: status?.launchedAt))
        report.replies = try await replyCounts(campaign: campaign)
        for (segment, counts) in try await replyCountsBySegment(campaign: campaign) {
            report.repliesBySegment[segment ?? "—"] = counts
        }
        return report
    }

    /// Per campaign with entries, the last time one of them changed (queued, sent, answered, reported,
    /// skipped): one pass over the ledger's campaign index.
    public func lastEntryChanges() async throws -> [String: Date] {
        try await read("read last activity") { db in
            var result: [String: Date] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT campaign, max(updated_at) AS at FROM ledger GROUP BY campaign") {
                if let at: Int64 = row["at"] { result[row["campaign"]] = Milliseconds.date(at) }
            }
            return result
        }
    }

    /// The same for one campaign (its part of the campaign index).
    public func lastEntryChange(campaign: String) async throws -> Date? {
        try await read("read last activity") { db in
            try Int64.fetchOne(db, sql: "SELECT max(updated_at) FROM ledger WHERE campaign = ?", arguments: [campaign])
                .map(Milliseconds.date)
        }
    }
}
