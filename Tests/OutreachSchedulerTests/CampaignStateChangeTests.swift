import Foundation
import Synchronization
import Testing
import OutreachCore
import OutreachDispatch
@testable import OutreachScheduler
import OutreachStore

/// A gateway that runs `before` once, at its first message, then hands every
/// message to the wrapped one: an officer's `outreach cancel` landing while
/// a tick is sending, without depending on timing.
final class ActingGateway: MessageGateway {
    let wrapped: any MessageGateway
    private let before: @Sendable () async -> Void
    private let acted = Mutex(false)

    init(_ wrapped: any MessageGateway, before: @escaping @Sendable () async -> Void) {
        self.wrapped = wrapped
        self.before = before
    }

    var name: String { wrapped.name }
    var channel: Channel { wrapped.channel }

    func send(_ message: OutboundMessage, attempt: Int) async -> DeliveryOutcome {
        let first = acted.withLock { done in
            defer { done = true }
            return !done
        }
        if first { await before() }
        return await wrapped.send(message, attempt: attempt)
    }
}

@Suite("Campaign state changes while the scheduler runs")
struct CampaignStateChangeTests {
    let now = utc("2026-11-29T06:00:00Z")

    /// Two campaigns sent once, when first picked up (no schedule).
    private func unscheduled(_ f: SchedulerFixture, _ name: String, audience: String) -> CampaignDefinition {
        var definition = f.campaign("vaccination_round")
        definition.name = name
        definition.schedule = nil
        definition.segments = [.init(name: audience, audience: audience, template: "vaccination_reminder")]
        return definition
    }

    @Test("cancelling one campaign during a tick stops only that campaign; the scheduler and the others go on")
    func cancelDuringTick() async throws {
        let f = try SchedulerFixture(start: now)
        defer { f.cleanUp() }
        let first = unscheduled(f, "first", audience: "vaccination_due")
        let second = unscheduled(f, "second", audience: "mothers")
        try await f.ledger.setCampaignState("first", to: .launched, at: now)
        try await f.ledger.setCampaignState("second", to: .launched, at: now)
        let ledger = f.ledger, at = now
        let scheduler = try f.scheduler([first, second]) { outbox in
            ActingGateway(outbox) { try? await ledger.setCampaignState("second", to: .cancelled, at: at) }
        }
        let report = try await scheduler.tick()      // threw "cannot complete campaign 'second': it is cancelled"
        #expect(report.materialised > 0)

        let states = Dictionary(uniqueKeysWithValues: try await f.ledger.campaigns().map { ($0.campaign, $0.state) })
        #expect(states["second"] == .cancelled)
        #expect(states["first"] == .completed)
        let counts = try await f.ledger.counts(campaign: "first")
        #expect(counts.count(.queued) == 0 && counts.count(.sending) == 0)
        #expect(counts.count(.accepted) > 0)
        // The next tick runs too.
        _ = try await scheduler.tick()
    }
}

@Suite("A backlog is not sent days late")
struct OverdueBacklogTests {
    let now = utc("2026-11-29T06:00:00Z")   // 09:00 in Riyadh

    private func unscheduled(_ f: SchedulerFixture) -> CampaignDefinition {
        var definition = f.campaign("vaccination_round")
        definition.name = "notice"
        definition.schedule = nil
        definition.segments = [.init(name: "mothers", audience: "mothers", template: "vaccination_reminder")]
        return definition
    }

    @Test("queued entries found three days overdue are skipped as too late; an hour overdue they go", arguments: [
        (3 * 86_400.0, false), (3_600.0, true),
    ])
    func backlog(delay: TimeInterval, sent: Bool) async throws {
        let f = try SchedulerFixture(start: now)
        defer { f.cleanUp() }
        try await f.ledger.setCampaignState("notice", to: .launched, at: now)
        let scheduler = try f.scheduler([unscheduled(f)])
        // Materialised, then the scheduler stopped before sending any of it.
        let materialised = try await scheduler.materialise(now: now)
        let queued = try await f.ledger.counts(campaign: "notice").count(.queued)
        #expect(materialised.reduce(0) { $0 + $1.inserted } > 0 && queued > 0)

        f.clock.set(now.addingTimeInterval(delay))
        _ = try await scheduler.tick()
        let counts = try await f.ledger.counts(campaign: "notice")
        #expect(counts.count(.queued) == 0)
        if sent {
            #expect(counts.count(.accepted) == queued)
            #expect(try f.outbox().count == queued)
        } else {
            #expect(counts.skipped(.tooLate) == queued)
            #expect(try f.outbox().isEmpty)
        }
    }
}
