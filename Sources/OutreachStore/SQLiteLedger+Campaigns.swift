public import Foundation
import GRDB
public import OutreachCore

/// Campaign states: draft until launched on purpose.
extension SQLiteLedger {
    public func campaignState(_ campaign: String) async throws -> CampaignState {
        try await read("read campaign state") { db in
            try CampaignRecord.fetchOne(db, key: campaign)?.status.state ?? .draft
        }
    }

    public func setCampaignState(_ campaign: String, to state: CampaignState, at now: Date) async throws {
        let now = Milliseconds.from(now)
        try await write("set campaign state") { db in
            let current = try CampaignRecord.fetchOne(db, key: campaign)
            let from = current?.status.state ?? .draft
            guard from.canMove(to: state) else {
                throw CampaignTransitionError(campaign: campaign, from: from, to: state)
            }
            var record = current ?? CampaignRecord(name: campaign, state: state.rawValue, updatedAt: now, launchedAt: nil)
            record.state = state.rawValue
            record.updatedAt = now
            if state == .launched, record.launchedAt == nil { record.launchedAt = now }
            try record.save(db)
            try db.execute(sql: "INSERT INTO campaign_event (campaign, from_state, to_state, at) VALUES (?, ?, ?, ?)",
                           arguments: [campaign, from.rawValue, state.rawValue, now])
            if state == .cancelled {
                try db.execute(sql: """
                    UPDATE ledger SET state = 'skipped', skip_reason = ?, last_detail = 'campaign cancelled',
                        finished_at = ?, updated_at = ?
                    WHERE campaign = ? AND state IN ('queued', 'uncertain')
                    """, arguments: [SkipReason.cancelled.rawValue, now, now, campaign])
            }
        }
    }

    public func campaigns() async throws -> [CampaignStatus] {
        try await read("read campaigns") { db in
            try CampaignRecord.order(Column("name")).fetchAll(db).map(\.status)
        }
    }
}
