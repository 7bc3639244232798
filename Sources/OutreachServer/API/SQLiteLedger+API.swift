public import Foundation
public import OutreachCore
public import OutreachStore

/// The ledger answers the API's campaign and history questions; the report is `SQLiteLedger.report`, the
/// code `outreach report` runs.
extension SQLiteLedger: CampaignReader, MessageHistoryReader {
    public func campaignSummaries() async throws -> [CampaignSummary] {
        let statuses = Dictionary(uniqueKeysWithValues: try await campaigns().map { ($0.campaign, $0) })
        let versions = try await latestVersions()
        let changes = try await lastEntryChanges()
        return Set(statuses.keys).union(changes.keys).sorted().map { name in
            summary(name, status: statuses[name], version: versions[name], lastChange: changes[name])
        }
    }

    public func campaign(named name: String) async throws -> CampaignDetail? {
        let status = try await campaigns().first { $0.campaign == name }
        let report = try await report(campaign: name)
        guard status != nil || report.total.targeted > 0 || report.testSends > 0 else { return nil }
        let lastChange = try await lastEntryChange(campaign: name)
        return CampaignDetail(campaign: summary(name, status: status, version: try await latestVersion(campaign: name),
                                                lastChange: lastChange),
                              report: report)
    }

    private func summary(_ name: String, status: CampaignStatus?, version: CampaignVersion?, lastChange: Date?) -> CampaignSummary {
        let last = [status?.updatedAt, version?.storedAt, lastChange].compactMap { $0 }.max()
        return CampaignSummary(name: name, state: status?.state ?? .draft, stateChangedAt: status?.updatedAt,
                               launchedAt: status?.launchedAt, version: version.map(LaunchedVersion.init), lastActivityAt: last)
    }
}
