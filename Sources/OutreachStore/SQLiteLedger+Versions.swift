public import Foundation
import GRDB
public import OutreachCore

/// Launched versions (`campaign_version`): each launch, update, relaunch or
/// adoption stores the campaign's source texts with the state change it
/// goes with, in one transaction.
extension SQLiteLedger {
    /// Stores the next version of `campaign` and makes the state change its
    /// kind implies:
    /// - `launch`: a draft becomes launched (generation 1);
    /// - `update`: a launched or paused campaign keeps its state;
    /// - `relaunch`: a cancelled or completed campaign becomes launched with a new launch time, its schedule
    ///   watermark cleared and the next generation;
    /// - `adopted`: a launched or paused campaign without a stored version gets its first.
    @discardableResult
    public func storeVersion(campaign: String, kind: CampaignVersion.Kind, sources: [CampaignVersion.Source],
                             at now: Date) async throws -> CampaignVersion {
        let ms = Milliseconds.from(now)
        return try await write("store a campaign version") { db in
            let current = try CampaignRecord.fetchOne(db, key: campaign)
            let state = current?.status.state ?? .draft
            let latest = try Row.fetchOne(db, sql: "SELECT version, generation FROM campaign_version WHERE campaign = ? ORDER BY version DESC LIMIT 1",
                                          arguments: [campaign])
            let number = (latest?["version"] as Int?).map { $0 + 1 } ?? 1
            var generation = latest?["generation"] as Int? ?? 1
            func changeState(to next: CampaignState, launchedAt: Int64?) throws {
                var record = current ?? CampaignRecord(name: campaign, state: next.rawValue, updatedAt: ms, launchedAt: nil)
                record.state = next.rawValue
                record.updatedAt = ms
                if let launchedAt { record.launchedAt = launchedAt }
                try record.save(db)
                try db.execute(sql: "INSERT INTO campaign_event (campaign, from_state, to_state, at) VALUES (?, ?, ?, ?)",
                               arguments: [campaign, state.rawValue, next.rawValue, ms])
            }
            switch kind {
            case .launch:
                guard state == .draft else { throw CampaignTransitionError(campaign: campaign, from: state, to: .launched) }
                try changeState(to: .launched, launchedAt: current?.launchedAt ?? ms)
            case .update:
                guard state == .launched || state == .paused else {
                    throw OutreachError(.invalidValue, "campaign '\(campaign)' is \(state.rawValue); only a launched or paused campaign can be updated",
                                        hint: state == .draft ? "launch it with `outreach launch \(campaign)`" : "use `outreach relaunch \(campaign)`")
                }
            case .relaunch:
                guard state.canRelaunch else {
                    throw OutreachError(.invalidValue, "campaign '\(campaign)' is \(state.rawValue); only a cancelled or completed campaign can be relaunched",
                                        hint: state == .draft ? "launch it with `outreach launch \(campaign)`" : "use `outreach update \(campaign)` to change it")
                }
                // A campaign cancelled before versions were kept ran as generation 1.
                generation = latest == nil ? 2 : generation + 1
                try changeState(to: .launched, launchedAt: ms)
                try db.execute(sql: "UPDATE campaign SET materialised_through = NULL WHERE name = ?", arguments: [campaign])
            case .adopted:
                guard latest == nil, state == .launched || state == .paused else {
                    throw OutreachError(.invalidValue, "campaign '\(campaign)' cannot be adopted: it is \(state.rawValue)"
                                        + (latest == nil ? "" : " and already has a stored version"))
                }
            }
            let version = CampaignVersion(campaign: campaign, number: number, kind: kind, generation: generation, storedAt: now, sources: sources)
            try db.execute(sql: "INSERT INTO campaign_version (campaign, version, kind, generation, stored_at, hash) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [campaign, number, kind.rawValue, generation, ms, version.hash])
            for source in version.sources {
                try db.execute(sql: "INSERT INTO campaign_version_source (campaign, version, role, name, path, text) VALUES (?, ?, ?, ?, ?, ?)",
                               arguments: [campaign, number, source.role.rawValue, source.name, source.path, source.text])
            }
            return version
        }
    }

    /// Every stored version of `campaign`, oldest first.
    public func versions(campaign: String) async throws -> [CampaignVersion] {
        try await read("read campaign versions") { db in
            try Self.versions(db, campaign: campaign, latestOnly: false)
        }
    }

    /// The version the scheduler runs, or nil when none was stored.
    public func latestVersion(campaign: String) async throws -> CampaignVersion? {
        try await read("read the launched version") { db in
            try Self.versions(db, campaign: campaign, latestOnly: true).last
        }
    }

    /// Each campaign's latest version number: a cheap way to notice a launch, update or relaunch.
    public func versionNumbers() async throws -> [String: Int] {
        try await read("read version numbers") { db in
            var result: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT campaign, MAX(version) AS version FROM campaign_version GROUP BY campaign") {
                result[row["campaign"]] = row["version"]
            }
            return result
        }
    }

    /// Each campaign's latest version.
    public func latestVersions() async throws -> [String: CampaignVersion] {
        try await read("read launched versions") { db in
            let names = try String.fetchAll(db, sql: "SELECT DISTINCT campaign FROM campaign_version")
            var result: [String: CampaignVersion] = [:]
            for name in names { result[name] = try Self.versions(db, campaign: name, latestOnly: true).last }
            return result
        }
    }

    private static func versions(_ db: Database, campaign: String, latestOnly: Bool) throws -> [CampaignVersion] {
        let rows = try Row.fetchAll(db, sql: "SELECT version, kind, generation, stored_at, hash FROM campaign_version WHERE campaign = ? ORDER BY version"
                                    + (latestOnly ? " DESC LIMIT 1" : ""), arguments: [campaign])
        return try rows.map { row in
            let number: Int = row["version"]
            let sources = try Row.fetchAll(db, sql: "SELECT role, name, path, text FROM campaign_version_source WHERE campaign = ? AND version = ?",
                                           arguments: [campaign, number]).map { source in
                CampaignVersion.Source(role: CampaignVersion.Source.Role(rawValue: source["role"]) ?? .template,
                                       name: source["name"], path: source["path"], text: source["text"])
            }
            let version = CampaignVersion(campaign: campaign, number: number,
                                          kind: CampaignVersion.Kind(rawValue: row["kind"]) ?? .update,
                                          generation: row["generation"], storedAt: Milliseconds.date(row["stored_at"]), sources: sources)
            // What is read back must be what was stored: a hand-edited or damaged row is not sent.
            let stored: String = row["hash"]
            guard version.hash == stored else {
                throw OutreachError(.invalidProject, "version \(number) of campaign '\(campaign)' in the ledger does not match its hash (it was altered)",
                                    hint: "relaunch or update the campaign from its files to store a sound version")
            }
            return version
        }
    }
}
