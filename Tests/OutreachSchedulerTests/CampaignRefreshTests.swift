import Foundation
import Testing
import OutreachCore
@testable import OutreachScheduler
import OutreachStore

/// A launch, update or relaunch while `outreach run` runs reaches the scheduler through its refresh at the
/// next tick; a relaunched campaign's entries carry its generation in their occurrence keys.
@Suite("Campaigns refreshed while the scheduler runs")
struct CampaignRefreshTests {
    let now = utc("2026-11-29T06:00:00Z")

    private func unscheduled(_ f: SchedulerFixture, _ name: String) -> CampaignDefinition {
        var definition = f.campaign("vaccination_round")
        definition.name = name
        definition.schedule = nil
        definition.segments = [.init(name: "vaccination_due", audience: "vaccination_due", template: "vaccination_reminder")]
        return definition
    }

    @Test("a campaign launched after the scheduler started is sent from the tick its refresh hands it in")
    func launchedWhileRunning() async throws {
        let f = try SchedulerFixture(start: now)
        defer { f.cleanUp() }
        let late = unscheduled(f, "late")
        let scheduler = try f.scheduler([])
        let handed = try f.scheduled(late)
        let ledger = f.ledger
        await scheduler.refreshCampaigns {
            try await ledger.campaignState("late") == .launched ? [handed] : nil
        }
        var report = try await scheduler.tick()
        #expect(report.campaigns.isEmpty)
        try await f.ledger.setCampaignState("late", to: .launched, at: now)
        report = try await scheduler.tick()
        #expect(report.campaigns.map(\.campaign) == ["late"])
        #expect(report.campaigns.first.map(\.inserted) ?? 0 > 0)
        #expect(!(try f.outbox()).isEmpty)
    }

    @Test("a second generation's entries are keyed g2:, beside the first generation's")
    func generationKeys() async throws {
        let f = try SchedulerFixture(start: now)
        defer { f.cleanUp() }
        let definition = unscheduled(f, "again")
        try await f.ledger.setCampaignState("again", to: .launched, at: now)
        _ = try await f.scheduler([definition]).tick()
        let first = try f.outbox().count
        #expect(first > 0)
        try await f.ledger.storeVersion(campaign: "again", kind: .relaunch,
                                        sources: [.init(role: .campaign, name: "again", path: "campaigns/again.yaml", text: "")], at: now)
        var second = try f.scheduled(definition)
        second.generation = 2
        let scheduler = try f.scheduler([])
        await scheduler.refreshCampaigns { [second] in [second] }
        _ = try await scheduler.tick()
        #expect(try f.outbox().count == 2 * first)
        let occurrences = Set(try await f.ledger.counts(campaign: "again").rows.map(\.occurrence))
        #expect(occurrences == ["#1", "g2:#1"])
    }
}
