import Foundation
import Testing
import OutreachCore
@testable import OutreachScheduler
import OutreachStore

/// The scheduler against a real SQLite ledger and the file outbox, on the
/// bundled project and its sample population.
@Suite("Scheduler")
struct SchedulerTests {
    let launch = utc("2026-11-29T05:00:00Z")

    @Test("a relative campaign over three weeks: each planned send exactly once, in the outbox and the ledger")
    func relativeCampaign() async throws {
        let f = try SchedulerFixture(start: launch)
        defer { f.cleanUp() }
        try await f.ledger.setCampaignState("vaccination_round", to: .launched, at: launch)
        let scheduler = try f.scheduler([f.campaign("vaccination_round")])
        try await f.runUntil(scheduler, end: utc("2026-12-20T00:00:00Z"))

        let counts = try await f.ledger.counts(campaign: "vaccination_round")
        let outbox = try f.outbox()
        #expect(counts.targeted == 10)                      // what `outreach plan` lists for these dates
        #expect(counts.count(.accepted) == outbox.count)
        #expect(counts.count(.accepted) + counts.skipped(.unreachable) == counts.targeted)
        #expect(Set(outbox.map(\.id)).count == outbox.count)   // no duplicates
        #expect(counts.count(.queued) == 0 && counts.count(.sending) == 0)
    }

    @Test("ticking twice at the same instant materialises and sends nothing more")
    func idempotentTicks() async throws {
        let f = try SchedulerFixture(start: utc("2026-12-04T06:30:00Z"))
        defer { f.cleanUp() }
        try await f.ledger.setCampaignState("vaccination_round", to: .launched, at: launch)
        let scheduler = try f.scheduler([f.campaign("vaccination_round")])
        let first = try await scheduler.tick()
        #expect(first.materialised > 0)
        let sent = try f.outbox().count
        let second = try await scheduler.tick()
        #expect(second.materialised == 0)
        #expect(try f.outbox().count == sent)
        // A new scheduler (a restart) over the same ledger does not repeat them either.
        let restarted = try f.scheduler([f.campaign("vaccination_round")])
        let third = try await restarted.tick()
        #expect(third.materialised == 0)
        #expect(try f.outbox().count == sent)
    }

    @Test("launching never back-fills; sends missed while stopped are skipped as too late")
    func lateness() async throws {
        // Launched on 12-01 at 08:00 Riyadh; the first tick happens on 12-08:
        // the 12-01 09:00 and 12-04 09:00 sends are days late.
        let launchedAt = utc("2026-12-01T05:00:00Z")
        let f = try SchedulerFixture(start: utc("2026-12-08T06:30:00Z"))
        defer { f.cleanUp() }
        try await f.ledger.setCampaignState("vaccination_round", to: .launched, at: launchedAt)
        let scheduler = try f.scheduler([f.campaign("vaccination_round")])
        _ = try await scheduler.tick()
        let counts = try await f.ledger.counts(campaign: "vaccination_round")
        #expect(counts.skipped(.tooLate) >= 2)
        #expect(try f.outbox().count == counts.count(.accepted))
        #expect(counts.rows.allSatisfy { $0.state != .queued })
    }

    @Test("an opted-out person is never sent anything")
    func optOut() async throws {
        // A rehearsal finds someone who gets a message after 12-02.
        let rehearsal = try SchedulerFixture(start: launch)
        defer { rehearsal.cleanUp() }
        try await rehearsal.ledger.setCampaignState("vaccination_round", to: .launched, at: launch)
        try await rehearsal.runUntil(try rehearsal.scheduler([rehearsal.campaign("vaccination_round")]), end: utc("2026-12-02T00:00:00Z"))
        let early = try rehearsal.outbox().count
        try await rehearsal.runUntil(try rehearsal.scheduler([rehearsal.campaign("vaccination_round")]), end: utc("2026-12-20T00:00:00Z"))
        let victim = try #require(try rehearsal.outbox().dropFirst(early).first?.to)

        let f = try SchedulerFixture(start: launch)
        defer { f.cleanUp() }
        try await f.ledger.setCampaignState("vaccination_round", to: .launched, at: launch)
        let scheduler = try f.scheduler([f.campaign("vaccination_round")])
        try await f.runUntil(scheduler, end: utc("2026-12-02T00:00:00Z"))
        let before = try f.outbox().filter { $0.to == victim }.count
        _ = try await f.ledger.addOptOut(OptOut(address: ContactAddress(victim)!, source: "test", createdAt: launch))
        try await f.runUntil(scheduler, end: utc("2026-12-20T00:00:00Z"))
        #expect(try f.outbox().filter { $0.to == victim }.count == before)
        let counts = try await f.ledger.counts(campaign: "vaccination_round")
        #expect(counts.skipped(.optedOut) >= 1)
    }

    @Test("the frequency cap holds across campaigns; capped sends are recorded")
    func frequencyCap() async throws {
        let f = try SchedulerFixture(start: launch)
        defer { f.cleanUp() }
        // A second campaign to the same audience at the same time as the first reminders.
        var echo = f.campaign("vaccination_round")
        echo.name = "vaccination_echo"
        try await f.ledger.setCampaignState("vaccination_round", to: .launched, at: launch)
        try await f.ledger.setCampaignState("vaccination_echo", to: .launched, at: launch)
        let scheduler = try f.scheduler([f.campaign("vaccination_round"), echo], cap: FrequencyCap(maxMessages: 1, days: 7))
        try await f.runUntil(scheduler, end: utc("2026-12-20T00:00:00Z"))
        let a = try await f.ledger.counts(campaign: "vaccination_round")
        let b = try await f.ledger.counts(campaign: "vaccination_echo")
        #expect(a.skipped(.capped) + b.skipped(.capped) > 0)
        // Nobody received two messages within 7 days.
        let outbox = try f.outbox()
        #expect(outbox.count == a.count(.accepted) + b.count(.accepted))
        #expect(a.targeted + b.targeted == a.count(.accepted) + b.count(.accepted) + a.skipped(.capped) + b.skipped(.capped)
                + a.skipped(.unreachable) + b.skipped(.unreachable))
    }

    @Test("a paused campaign sends nothing until it is resumed")
    func pauseResume() async throws {
        let f = try SchedulerFixture(start: utc("2026-12-01T06:30:00Z"))
        defer { f.cleanUp() }
        try await f.ledger.setCampaignState("vaccination_round", to: .launched, at: launch)
        try await f.ledger.setCampaignState("vaccination_round", to: .paused, at: launch)
        let scheduler = try f.scheduler([f.campaign("vaccination_round")])
        _ = try await scheduler.tick()
        #expect(try f.outbox().isEmpty)
        try await f.ledger.setCampaignState("vaccination_round", to: .launched, at: utc("2026-12-01T06:40:00Z"))
        f.clock.set(utc("2026-12-01T06:45:00Z"))
        _ = try await scheduler.tick()
        #expect(try !f.outbox().isEmpty)
    }

    @Test("after a crash, in-flight messages become uncertain and on_uncertain decides", arguments: [UncertainPolicy.skip, .resend])
    func crashRecovery(policy: UncertainPolicy) async throws {
        let f = try SchedulerFixture(start: utc("2026-12-01T06:30:00Z"))
        defer { f.cleanUp() }
        var campaign = f.campaign("vaccination_round")
        campaign.onUncertain = policy
        try await f.ledger.setCampaignState("vaccination_round", to: .launched, at: launch)
        // Materialise, then claim as a dispatcher would and "crash" before recording.
        let first = try f.scheduler([campaign])
        _ = try await first.materialise(now: f.clock.now())
        let claimed = try await f.ledger.claim(ClaimRequest(limit: 100, now: f.clock.now(), campaigns: ["vaccination_round"]))
        #expect(!claimed.isEmpty)
        try await f.ledger.markAttempted(claimed.map(\.messageID), at: f.clock.now())
        let restarted = try f.scheduler([campaign])
        let recovery = try await restarted.recover()
        #expect(recovery.uncertain == claimed.count)
        _ = try await restarted.tick()
        let counts = try await f.ledger.counts(campaign: "vaccination_round")
        if policy == .skip {
            #expect(counts.skipped(.inDoubt) == claimed.count)
            #expect(try f.outbox().count == 0)
        } else {
            #expect(counts.count(.accepted) == claimed.count)
            #expect(try f.outbox().count == claimed.count)
        }
    }
}

@Suite("Scheduler: throttle")
struct SchedulerThrottleTests {
    @Test("a campaign's throttle spaces its sends on the scheduler's clock")
    func throttle() async throws {
        let launch = utc("2026-11-29T06:00:00Z")   // 09:00 Riyadh
        let f = try SchedulerFixture(start: launch)
        defer { f.cleanUp() }
        var notice = unscheduledNotice()
        notice.throttle = RateLimit(perSecond: 2)
        try await f.ledger.setCampaignState("notice", to: .launched, at: launch)
        let scheduler = try f.scheduler([notice])
        _ = try await scheduler.tick()
        let sent = try await f.ledger.entries(campaign: "notice", state: .accepted, limit: 100)
        let times = sent.compactMap(\.sentAt).sorted()
        #expect(times.count >= 4)
        // Two a second: n messages span at least (n - 1) / 2 seconds, burst 1.
        let span = times.last!.timeIntervalSince(times.first!)
        #expect(span >= Double(times.count - 1) / 2 - 0.01, "\(times.count) messages in \(span) s")
        #expect(try f.outbox().count == sent.count)
    }
}

@Suite("Scheduler: quiet hours")
struct SchedulerQuietHoursTests {
    @Test("a throttled backlog still queued when quiet hours begin waits for the morning")
    func backlogWaitsForTheMorning() async throws {
        let launch = utc("2026-11-29T18:59:57Z")   // 21:59:57 Riyadh; the project's quiet hours are 22:00-09:00
        let quietFrom = utc("2026-11-29T19:00:00Z"), quietUntil = utc("2026-11-30T06:00:00Z")
        let f = try SchedulerFixture(start: launch)
        defer { f.cleanUp() }
        var notice = unscheduledNotice()
        notice.throttle = RateLimit(perSecond: 1)
        try await f.ledger.setCampaignState("notice", to: .launched, at: launch)
        let scheduler = try f.scheduler([notice])
        // The tick says when to wake: at the end of the quiet hours.
        #expect(try await scheduler.tick().nextDue == quietUntil)
        let evening = try await f.ledger.entries(campaign: "notice", state: .accepted, limit: 100)
        let queued = try await f.ledger.counts(campaign: "notice").count(.queued)
        #expect(!evening.isEmpty && queued > 0, "\(evening.count) sent, \(queued) left for the morning")
        #expect(evening.allSatisfy { $0.sentAt! < quietFrom })
        // A tick in the night sends nothing; the morning's sends the rest.
        f.clock.set(utc("2026-11-29T23:00:00Z"))
        _ = try await scheduler.tick()
        #expect(try await f.ledger.counts(campaign: "notice").count(.queued) == queued)
        f.clock.set(quietUntil)
        _ = try await scheduler.tick()
        let counts = try await f.ledger.counts(campaign: "notice")
        #expect(counts.count(.queued) == 0)
        let sent = try await f.ledger.entries(campaign: "notice", state: .accepted, limit: 100)
        #expect(sent.count == evening.count + queued)
        #expect(sent.allSatisfy { $0.sentAt! < quietFrom || $0.sentAt! >= quietUntil })
        #expect(try f.outbox().count == sent.count)
    }

    @Test("with quiet_hours_overflow: skip, what quiet hours hold is recorded as skipped, not sent in the morning")
    func overflowSkipped() async throws {
        let launch = utc("2026-11-29T18:59:57Z")   // 21:59:57 Riyadh
        let f = try SchedulerFixture(start: launch)
        defer { f.cleanUp() }
        var notice = unscheduledNotice()
        notice.throttle = RateLimit(perSecond: 1)
        notice.quietHoursOverflow = .skip
        try await f.ledger.setCampaignState("notice", to: .launched, at: launch)
        let scheduler = try f.scheduler([notice])
        _ = try await scheduler.tick()
        let evening = try await f.ledger.counts(campaign: "notice")
        #expect(evening.count(.accepted) > 0 && evening.skipped(.quietHoursOverflow) > 0)
        #expect(evening.count(.queued) == 0)
        f.clock.set(utc("2026-11-30T06:00:00Z"))
        _ = try await scheduler.tick()
        let morning = try await f.ledger.counts(campaign: "notice")
        #expect(morning.count(.accepted) == evening.count(.accepted))
        #expect(morning.targeted == morning.count(.accepted) + morning.count(.skipped))
    }
}

@Suite("Scheduler: campaigns without a schedule")
struct SchedulerUnscheduledTests {
    @Test("a campaign without a schedule sends once, even when launched in the middle of a minute")
    func launchedMidMinute() async throws {
        let launch = utc("2026-11-29T06:00:37Z")   // 09:00:37 Riyadh
        let f = try SchedulerFixture(start: launch.addingTimeInterval(5))
        defer { f.cleanUp() }
        let notice = unscheduledNotice()
        try await f.ledger.setCampaignState("notice", to: .launched, at: launch)
        let scheduler = try f.scheduler([notice])
        _ = try await scheduler.tick()
        let counts = try await f.ledger.counts(campaign: "notice")
        #expect(counts.count(.accepted) > 0)
        #expect(counts.targeted == counts.count(.accepted) + counts.count(.skipped))
        // Once only.
        f.clock.set(launch.addingTimeInterval(7 * 86_400))
        _ = try await scheduler.tick()
        #expect(try await f.ledger.counts(campaign: "notice").targeted == counts.targeted)
    }

    @Test("message ids are made with the ledger's own key: what leaves tells nothing of whose they are without it")
    func idsUnderTheLedgersKey() async throws {
        let launch = utc("2026-11-29T06:00:00Z")
        let f = try SchedulerFixture(start: launch)
        defer { f.cleanUp() }
        let key = f.ledger.messageIDKey
        #expect(key.bytes.count == 32)
        try await f.ledger.setCampaignState("notice", to: .launched, at: launch)
        _ = try await f.scheduler([unscheduledNotice()]).tick()
        let stored = try await f.ledger.entries(campaign: "notice", state: nil, limit: 10_000)
        #expect(!stored.isEmpty)
        for entry in stored {
            #expect(entry.messageID == LedgerEntry.messageID(campaign: "notice", occurrence: entry.occurrence,
                                                             recipient: entry.recipientID, key: key))
            #expect(entry.messageID != LedgerEntry.messageID(campaign: "notice", occurrence: entry.occurrence,
                                                             recipient: entry.recipientID, key: .none))
        }
        let sent = try f.outbox().map(\.id)
        #expect(!sent.isEmpty && Set(sent).isSubset(of: Set(stored.map(\.messageID))))
    }

    @Test("materialising goes through the recipients in person-key order, a slice at a time")
    func personKeyOrder() async throws {
        let launch = utc("2026-11-29T06:00:00Z")
        let f = try SchedulerFixture(start: launch)
        defer { f.cleanUp() }
        let notice = unscheduledNotice()
        try await f.ledger.setCampaignState("notice", to: .launched, at: launch)
        let slice = 2
        _ = try await f.scheduler([notice], slice: slice).materialise(now: launch)
        // Row order (one due time, so due_at, id is insertion order).
        let ids = try await f.ledger.entries(campaign: "notice", state: nil, limit: 10_000).map(\.messageID)
        #expect(ids.count >= 4 * slice)
        let slices = stride(from: 0, to: ids.count, by: slice).map { ids[$0..<min($0 + slice, ids.count)] }
        for (a, b) in zip(slices, slices.dropFirst()) {
            #expect(a.max()! < b.min()!)
        }
    }

    @Test("a tick with nothing due does not put the population in person-key order")
    func idleTickSkipsOrdering() async throws {
        let f = try SchedulerFixture(start: utc("2026-11-29T05:00:00Z"))
        defer { f.cleanUp() }
        try await f.ledger.setCampaignState("vaccination_round", to: .launched, at: utc("2026-11-29T05:00:00Z"))
        let scheduler = try f.scheduler([f.campaign("vaccination_round")])
        let idle = try await scheduler.tick()
        #expect(idle.materialised == 0)
        #expect(await !scheduler.hasPersonKeys)
        let next = try #require(idle.nextDue)
        f.clock.set(next)
        #expect(try await scheduler.tick().materialised > 0)
        #expect(await scheduler.hasPersonKeys)
    }

    @Test("until its next send is due, a campaign's ticks on the same day make no pass over the audience")
    func quietTicksSkipThePass() async throws {
        let launch = utc("2026-11-29T05:00:00Z")
        let f = try SchedulerFixture(start: launch)
        defer { f.cleanUp() }
        try await f.ledger.setCampaignState("vaccination_round", to: .launched, at: launch)
        let scheduler = try f.scheduler([f.campaign("vaccination_round")])
        let first = try await scheduler.tick()
        let next = try #require(first.nextDue)
        #expect(await scheduler.fullPasses == 1)
        // Later the same day, before the next send: the same next due time, no pass.
        f.clock.set(launch.addingTimeInterval(600))
        #expect(try await scheduler.tick().nextDue == next)
        #expect(await scheduler.fullPasses == 1)
        // A new day (ages and memberships may have changed): a pass.
        f.clock.set(launch.addingTimeInterval(86_400))
        #expect(next > launch.addingTimeInterval(86_400))
        _ = try await scheduler.tick()
        #expect(await scheduler.fullPasses == 2)
        // The next send's time: a pass, and the sends.
        f.clock.set(next)
        #expect(try await scheduler.tick().materialised > 0)
        #expect(await scheduler.fullPasses == 3)
    }
}

/// A campaign without a schedule to the sample's mothers through the outbox, exempt from the frequency cap.
func unscheduledNotice() -> CampaignDefinition {
    var notice = CampaignDefinition(name: "notice", title: "notice",
                                    segments: [.init(name: "mothers", audience: "mothers", template: "vaccination_reminder")],
                                    channels: [.sms], gateway: "outbox", sender: "MOH")
    notice.frequencyCap = .some(nil)
    return notice
}
