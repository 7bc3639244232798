public import Foundation
public import Logging
public import OutreachCore
public import OutreachDispatch

/// Runs launched campaigns: at each tick it materialises the sends that
/// have come due into the ledger (membership, data and rendering as of that
/// moment; unique per campaign, occurrence and recipient) and, from the
/// first committed batch on, hands every due queued entry to the
/// dispatcher, which records `sending` before each attempt and the outcome
/// after. Between ticks it sleeps until the next
/// send is due (or `maxSleep`, to notice launches, pauses and new data).
public actor CampaignScheduler {
    /// The project's rules the scheduler applies to every campaign (time zone, quiet hours, frequency cap, opt-out
    /// scope) and its batch sizes.
    public struct Settings: Sendable {
        public var projectTimeZone: String
        public var quietHours: TimeWindow?
        public var frequencyCap: FrequencyCap?
        /// Whom an opt-out stops (`opt_out_scope`): every channel of the person, or the address.
        public var optOutScope: Suppression.Scope = .person
        /// Entries written per ledger transaction when materialising (one batch is written while the next is
        /// composed).
        public var materialiseBatch = 5_000
        /// Recipients whose due sends are computed at a time (memory holds one slice's due sends).
        public var materialiseSlice = 20_000
        /// Longest sleep between ticks, in the scheduler clock's seconds.
        public var maxSleep: TimeInterval = 300
        /// Stop once the clock passes this instant (rehearsals in accelerated time).
        public var stopAt: Date?
        /// Shared with the dispatcher's `route`, to send each message through its campaign's gateway.
        public var routes = ClaimRoutes()

        public init(projectTimeZone: String, quietHours: TimeWindow? = nil, frequencyCap: FrequencyCap? = nil) {
            self.projectTimeZone = projectTimeZone
            self.quietHours = quietHours
            self.frequencyCap = frequencyCap
        }
    }

    public typealias Store = any LedgerStore & ScheduleWatermarkStore


    let store: Store
    /// The store's, for the ids and person keys of the entries made here.
    let messageIDKey: MessageIDKey
    private(set) var campaigns: [String: ScheduledCampaign]
    /// Asked at each tick for the campaigns to run when what is launched changed (a launch, update or
    /// relaunch while this scheduler runs); nil when nothing did.
    public typealias CampaignRefresh = @Sendable () async throws -> [ScheduledCampaign]?
    private var refresh: CampaignRefresh?
    let catalog: AudienceCatalog
    let loadPopulation: @Sendable () throws -> Population
    let dispatcher: Dispatcher
    let clock: any SchedulerClock
    let settings: Settings
    let logger: Logger
    private var population: Population?
    private var personKeyCache: [UInt64]?
    /// Per campaign, what its last full materialising pass found (see `materialise`).
    private var quietSpans: [String: QuietSpan] = [:]
    /// Full materialising passes made (ticks that skipped one do not count).
    private(set) var fullPasses = 0

    /// Sends that share a zone and a due time share their quiet hours (`QuietPeriod`).
    private struct QuietPeriodKey: Hashable {
        var zone: String
        var dueAt: Date
    }

    /// Nothing due for `campaign` after `through` and before `nextDue` (nil: never again), for that day's
    /// audience and that launch.
    struct QuietSpan {
        var day: Day
        var launchedAt: Date
        var through: Date
        var nextDue: Date?
    }
    private var source: ThrottledLedgerSource?
    /// Stops the dispatch under way at once (no new attempt or retry), on `stop()`.
    private var dispatchStop: DispatchStop?
    private var stopping = false
    private var sleepTask: Task<Void, any Error>?

    public init(store: Store, campaigns: [ScheduledCampaign], catalog: AudienceCatalog,
                population: @escaping @Sendable () throws -> Population, dispatcher: Dispatcher,
                clock: any SchedulerClock, settings: Settings, logger: Logger) {
        self.store = store
        self.messageIDKey = store.messageIDKey
        self.campaigns = Dictionary(campaigns.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        self.catalog = catalog
        self.loadPopulation = population
        self.dispatcher = dispatcher
        self.clock = clock
        self.settings = settings
        self.logger = logger
    }

    /// Picks up launches, updates and relaunches made while this scheduler runs.
    public func refreshCampaigns(with refresh: @escaping CampaignRefresh) {
        self.refresh = refresh
    }

    // MARK: Start-up

    /// After a crash: entries found `sending` become `uncertain`, then each
    /// campaign's `on_uncertain` settles them. Call once before ticking.
    public func recover() async throws -> RecoveryReport {
        try await Self.recover(store: store, policies: campaigns.mapValues(\.definition.onUncertain), at: clock.now(), logger: logger)
    }

    /// Recovery as `recover()` does it, for any sender that has just taken the ledger's send lock
    /// (`send --now` too): `policies` is each campaign's `on_uncertain` (others skip).
    public static func recover(store: any LedgerStore, policies: [String: UncertainPolicy], at now: Date,
                               logger: Logger) async throws -> RecoveryReport {
        let interrupted = try await store.recoverInterrupted(at: now)
        var report = RecoveryReport(uncertain: interrupted)
        if interrupted > 0 {
            for status in try await store.campaigns() {
                let policy = policies[status.campaign] ?? .skip
                let n = try await store.resolveUncertain(campaign: status.campaign, policy: policy, at: now)
                if policy == .resend { report.requeued += n } else { report.skipped += n }
            }
            logger.warning("messages in flight at the last stop are in doubt",
                           metadata: ["uncertain": "\(interrupted)", "requeued": "\(report.requeued)"])
        }
        return report
    }

    // MARK: Ticks

    /// Materialises what is due, sends what is queued and due, and says when
    /// the next send is due (or when quiet hours holding queued ones end).
    public func tick() async throws -> TickReport {
        if let refresh, !stopping, let fresh = try await refresh() {
            campaigns = Dictionary(fresh.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            quietSpans = [:]   // a new version may send at other times
        }
        let now = clock.now()
        var report = TickReport(at: now)
        let statuses = try await launchedCampaigns()
        let launched = statuses.map(\.campaign)
        // A backlog left queued while the scheduler was stopped is not sent days late (the too-late rule
        // materialising applies to sends it finds overdue, applied here to what is already queued).
        if !stopping {
            for campaign in launched {
                let lateness = SendTimeline.lateness(of: campaigns[campaign]?.definition.schedule)
                let skipped = try await store.skipOverdue(campaign: campaign, lateness: lateness, at: now)
                if skipped > 0 {
                    logger.warning("queued messages too late to send were skipped",
                                   metadata: ["campaign": "\(campaign)", "skipped": "\(skipped)"])
                }
            }
        }
        if launched.isEmpty || stopping {
            report.campaigns = try await materialise(statuses, now: now, progress: nil)
        } else {
            // Sending starts with the first committed batch: the source claims
            // what is materialised so far and waits for more until it is all in.
            let progress = MaterialisationProgress()
            async let materialised = materialise(statuses, now: now, progress: progress)
            report.dispatch = try await dispatchDue(launched: launched, now: now, progress: progress)
            report.campaigns = try await materialised
        }
        report.nextDue = report.campaigns.compactMap(\.nextDue).min()
        // Entries quiet hours hold: skipped where the campaign says so, else wake when the first may leave.
        if !launched.isEmpty && !stopping {
            let after = clock.now()
            for campaign in launched {
                if campaigns[campaign]?.definition.quietHoursOverflow == .skip {
                    let skipped = try await store.skipHeldByQuietHours(campaign: campaign, at: after)
                    if skipped > 0 {
                        logger.info("skipped what quiet hours held", metadata: ["campaign": "\(campaign)", "skipped": "\(skipped)"])
                    }
                    continue
                }
                if let resumes = try await store.heldByQuietHours(campaign: campaign, at: after).resumesAt {
                    report.nextDue = min(report.nextDue ?? resumes, resumes)
                }
            }
        }
        for campaign in launched { try await completeIfFinished(campaign) }
        return report
    }

    /// Ticks until stopped; with `once`, a single tick.
    public func run(once: Bool, onTick: (@Sendable (TickReport) -> Void)? = nil) async throws {
        _ = try await recover()
        while !stopping {
            let report = try await tick()
            onTick?(report)
            if once || stopping { break }
            let now = clock.now()
            if let stopAt = settings.stopAt, now >= stopAt { break }
            var wake = now.addingTimeInterval(settings.maxSleep)
            if let next = report.nextDue, next < wake { wake = max(next, now) }
            if let stopAt = settings.stopAt, stopAt < wake { wake = stopAt }
            let clock = self.clock
            let sleeper = Task { try await clock.sleep(until: wake) }
            sleepTask = sleeper
            do {
                // The sleep is its own task: cancelling this one (the service group cancelled) must end it too.
                try await withTaskCancellationHandler {
                    try await sleeper.value
                } onCancel: {
                    sleeper.cancel()
                }
            } catch {
                if stopping { break }   // woken by a graceful shutdown
                throw error
            }
            sleepTask = nil
        }
    }

    /// Stops claiming new messages; in-flight attempts finish and are recorded.
    public func stop() {
        stopping = true
        source?.stop()
        dispatchStop?.request()
        sleepTask?.cancel()
    }

    // MARK: Materialising

    private func currentPopulation() throws -> Population {
        if let population { return population }
        let loaded = try loadPopulation()
        population = loaded
        personKeyCache = nil
        return loaded
    }

    /// Materialises every launched campaign's due sends without sending.
    public func materialise(now: Date) async throws -> [CampaignTickReport] {
        try await materialise(launchedCampaigns(), now: now, progress: nil)
    }

    /// The launched campaigns this scheduler runs.
    private func launchedCampaigns() async throws -> [CampaignStatus] {
        try await store.campaigns().filter { $0.state == .launched && campaigns[$0.campaign] != nil }
    }

    private func materialise(_ statuses: [CampaignStatus], now: Date,
                             progress: MaterialisationProgress?) async throws -> [CampaignTickReport] {
        defer { progress?.finish() }
        var reports: [CampaignTickReport] = []
        for status in statuses {
            reports.append(try await materialise(status, now: now, progress: progress))
        }
        return reports
    }

    func materialise(_ status: CampaignStatus, now: Date, progress: MaterialisationProgress? = nil) async throws -> CampaignTickReport {
        let scheduled = campaigns[status.campaign]!
        var report = CampaignTickReport(campaign: status.campaign)
        let projectZone = TimeZone(identifier: settings.projectTimeZone) ?? TimeZone(identifier: "UTC")!
        let launchedAt = status.launchedAt ?? status.updatedAt
        let schedule = scheduled.schedule(launchedAt: LocalDateTime(launchedAt, in: projectZone),
                                          projectZone: settings.projectTimeZone, quietHours: settings.quietHours)
        var definition = scheduled.definition
        definition.schedule = schedule
        guard let timeline = SendTimeline(definition) else { return report }
        // Launching back-fills only what `late_within` allows: the first watermark is just before the launch's
        // minute, less `late_within` (schedules are to the minute, so a send at 09:00 belongs to a launch at
        // 09:00:37, and an unscheduled campaign's one send — at the launch's minute — is never behind it). When
        // the watermark is already at `now` nothing is due, but the pass still finds the next due time.
        let start = SendTimeline.materialiseStart(launchedAt: launchedAt, schedule: schedule)
        let after = min(now, try await store.materialisedThrough(campaign: status.campaign) ?? start)
        let today = LocalDateTime(now, in: projectZone).day
        // The last full pass over the same day's audience found nothing due before `nextDue`: until then a
        // tick only moves the watermark (an idle tick over a million people costs a pass over all of them).
        if let quiet = quietSpans[status.campaign], quiet.day == today, quiet.launchedAt == launchedAt,
           after >= quiet.through, quiet.nextDue.map({ now < $0 }) ?? true {
            report.nextDue = quiet.nextDue
            try await store.setMaterialisedThrough(campaign: status.campaign, now)
            return report
        }
        fullPasses += 1

        let population = try currentPopulation()
        let segmentation = try CampaignSegmentation(definition, catalog: scheduled.catalog ?? catalog, population: population, today: today)
        // Each entry keeps the hours it must not leave in after its due time (a backlog still queued then
        // waits for them to end); sends of an occurrence mostly share a due time and zone.
        let held = schedule.heldHours
        var quietPeriods: [QuietPeriodKey: QuietPeriod] = [:]
        var zones: [String: TimeZone] = [:]
        func quietPeriod(for send: SendTimeline.DueSend) -> QuietPeriod? {
            guard let held else { return nil }
            let key = QuietPeriodKey(zone: send.timeZone, dueAt: send.dueAt)
            if let known = quietPeriods[key] { return known }
            let zone = zones[send.timeZone] ?? TimeZone(identifier: send.timeZone) ?? projectZone
            zones[send.timeZone] = zone
            let period = QuietPeriod(after: send.dueAt, window: held, in: zone)
            quietPeriods[key] = period
            return period
        }
        // What each recipient gets is decided as preview decides it (opt-outs by person or address, one
        // message per address in an occurrence); the suppression list is read once per pass.
        var composer = scheduled.composer
        composer.suppression = Suppression(addresses: try await store.optOuts().map(\.address), scope: settings.optOutScope)
        // Variants and holdouts are drawn with the ledger's key: the same person, the same draw, every pass.
        composer.assignmentKey = messageIDKey
        var composing = OccurrenceComposer(composer)
        // One ledger write in flight while the next batch is composed: rendering runs beside the writer.
        var inFlight: Task<MaterialisationResult, any Error>?
        var batch: [LedgerEntry] = []
        batch.reserveCapacity(settings.materialiseBatch)
        do {
            for part in segmentation.parts {
                let segment = part.segment.name
                let slice = max(1, settings.materialiseSlice)
                // First, in row order and a slice at a time: who has a send due now, and when the next one is.
                // A tick with nothing due stops here.
                var dueRows: [UInt32] = []
                var sliceRows: [Int] = []
                sliceRows.reserveCapacity(slice)
                func findDue() {
                    let rows = RowSet(rows: sliceRows, capacity: population.count)
                    let (due, next) = timeline.due(rows: rows, population: population, after: after, now: now)
                    if let next { report.nextDue = min(report.nextDue ?? next, next) }
                    for send in due where dueRows.last != UInt32(send.row) { dueRows.append(UInt32(send.row)) }
                    sliceRows.removeAll(keepingCapacity: true)
                }
                part.members.forEachRow { row in
                    sliceRows.append(row)
                    if sliceRows.count == slice { findDue() }
                }
                if !sliceRows.isEmpty { findDue() }
                guard !dueRows.isEmpty else { continue }
                // Then those people in person-key order, the order of the ledger's message-id index (see
                // `LedgerEntry.messageID`): each batch writes a narrow run of that index rather than a random
                // page per entry. Memory holds one slice's due sends, not a million.
                let keys = personKeys(population)
                let ordered = Self.inPersonOrder(dueRows, keys: keys, populationCount: population.count)
                dueRows = []
                for start in stride(from: 0, to: ordered.count, by: slice) {
                    let rows = RowSet(rows: ordered[start..<min(start + slice, ordered.count)].lazy.map { Int($0) },
                                      capacity: population.count)
                    let (due, _) = timeline.due(rows: rows, population: population, after: after, now: now)
                    // Within a slice (a narrow run of person keys, whose index pages stay cached) in row order.
                    for send in due {
                        var made = entry(for: send, segment: segment, scheduled: scheduled, composing: &composing, population: population,
                                         personKey: keys[send.row], now: now)
                        if made.state == .queued { made.quiet = quietPeriod(for: send) }
                        batch.append(made)
                        if batch.count >= settings.materialiseBatch {
                            try await submit(batch, now: now, after: &inFlight, report: &report, progress: progress)
                            batch.removeAll(keepingCapacity: true)
                        }
                    }
                }
            }
            try await submit(batch, now: now, after: &inFlight, report: &report, progress: progress)
            try await submit([], now: now, after: &inFlight, report: &report, progress: progress)
        } catch {
            // A failed write: let the one in flight end before reporting.
            _ = try? await inFlight?.value
            throw error
        }
        try await store.setMaterialisedThrough(campaign: status.campaign, now)
        quietSpans[status.campaign] = QuietSpan(day: today, launchedAt: launchedAt, through: now, nextDue: report.nextDue)
        if report.inserted > 0 {
            logger.info("materialised due sends", metadata: [
                "campaign": "\(status.campaign)", "new": "\(report.inserted)", "opted_out": "\(report.optedOut)"])
        }
        return report
    }

    /// Waits for the write in flight (counting it), then starts writing `entries`.
    private func submit(_ entries: [LedgerEntry], now: Date, after inFlight: inout Task<MaterialisationResult, any Error>?,
                        report: inout CampaignTickReport, progress: MaterialisationProgress?) async throws {
        if let previous = inFlight {
            inFlight = nil
            report.add(try await previous.value)
            progress?.committed()
        }
        guard !entries.isEmpty else { return }
        let store = self.store
        inFlight = Task.detached { try await store.materialise(entries, at: now) }
    }

    /// Rows in person-key order, each once. Sorted as one word per row: the key's high bits above the row
    /// number (a million rows leave 44 bits of key; rows that share them keep row order).
    static func inPersonOrder(_ rows: [UInt32], keys: [UInt64], populationCount: Int) -> [UInt32] {
        let rowBits = UInt64(max(1, UInt64.bitWidth - UInt64(max(populationCount, 1)).leadingZeroBitCount))
        let rowMask: UInt64 = (1 << rowBits) - 1
        var keyed = rows.map { keys[Int($0)] & ~rowMask | UInt64($0) }
        keyed.sort()
        // A row listed twice (two sends due) is one word twice: keep it once.
        var kept = 0
        for i in keyed.indices where kept == 0 || keyed[kept - 1] != keyed[i] {
            keyed[kept] = keyed[i]
            kept += 1
        }
        return keyed.prefix(kept).map { UInt32(truncatingIfNeeded: $0 & rowMask) }
    }

    /// Whether the person keys were needed yet (a tick with nothing due never computes them).
    var hasPersonKeys: Bool { personKeyCache != nil }

    /// Every population row's person key (`LedgerEntry.personKey`), computed once per loaded population.
    private func personKeys(_ population: Population) -> [UInt64] {
        if let personKeyCache { return personKeyCache }
        let key = messageIDKey
        let keys = (0..<population.count).map { LedgerEntry.personKey(recipient: population.id(row: $0), key: key) }
        personKeyCache = keys
        return keys
    }

    private func entry(for send: SendTimeline.DueSend, segment: String, scheduled: ScheduledCampaign, composing: inout OccurrenceComposer,
                       population: Population, personKey: UInt64, now: Date) -> LedgerEntry {
        let record = population.record(send.row)
        let entries = OccurrenceEntries(campaign: scheduled.definition, key: messageIDKey)
        // A relaunch's sends are keyed apart from the earlier generation's (`g2:#1`).
        let occurrence = scheduled.occurrenceKey(send.occurrence)
        if send.tooLate {
            return entries.tooLate(record, segment: segment, occurrence: occurrence, dueAt: send.dueAt,
                                   dueLocal: "\(send.local) \(send.timeZone)", now: now, personKey: personKey)
        }
        return entries.entry(record, segment: segment, occurrence: occurrence, dueAt: send.dueAt, now: now,
                             personKey: personKey, composing: &composing)
    }

    // MARK: Sending

    private func dispatchDue(launched: [String], now: Date, progress: MaterialisationProgress?) async throws -> DispatchSummary {
        let (request, throttles) = Self.claimRequest(launched.compactMap { campaigns[$0]?.definition }, defaultCap: settings.frequencyCap,
                                                     optOutScope: settings.optOutScope, now: now)
        let source = ThrottledLedgerSource(store: store, request: request, clock: clock, throttles: throttles,
                                           routes: settings.routes, progress: progress)
        let stop = DispatchStop()
        self.source = source
        self.dispatchStop = stop
        defer {
            self.source = nil
            self.dispatchStop = nil
        }
        return try await Self.dispatch(dispatcher, from: source, stop: stop)
    }

    /// The claim of `definitions`' due entries — each held to the project's frequency cap (`defaultCap`) unless
    /// it has its own or is urgent — and each campaign's `throttle`.
    public static func claimRequest(_ definitions: [CampaignDefinition], defaultCap: FrequencyCap?,
                                    optOutScope: Suppression.Scope = .person,
                                    now: Date) -> (ClaimRequest, throttles: [String: RateLimit]) {
        var caps: [String: FrequencyCap] = [:]
        var uncapped: Set<String> = []
        var throttles: [String: RateLimit] = [:]
        for definition in definitions {
            let name = definition.name
            if definition.schedule?.urgent == true { uncapped.insert(name) }
            if let own = definition.frequencyCap {
                if let cap = own { caps[name] = cap } else { uncapped.insert(name) }
            }
            if let throttle = definition.throttle { throttles[name] = throttle }
        }
        var request = ClaimRequest(limit: 0, now: now, campaigns: Set(definitions.map(\.name)), defaultCap: defaultCap,
                                   caps: caps, uncapped: uncapped)
        request.optOutScope = optOutScope
        return (request, throttles)
    }

    /// Sends what `source` claims until it has nothing more or `stop` is requested; whatever never left
    /// (stopped, cancelled, or given back from behind a gateway that stayed down) is queued again.
    public static func dispatch(_ dispatcher: Dispatcher, from source: ThrottledLedgerSource, stop: DispatchStop,
                                onProgress: (@Sendable (DispatchProgress) -> Void)? = nil) async throws -> DispatchSummary {
        let summary: DispatchSummary
        do {
            summary = try await dispatcher.run(source: source, sink: source, stop: stop, progress: onProgress)
        } catch let cancelled as DispatchCancelled {
            // Cancelled (a second Ctrl-C, or a stop that outlasted its grace): what never left is queued again.
            try? await source.finish()
            try? await source.releaseUnsent(cancelled.unfinishedMessageIDs)
            throw cancelled
        } catch {
            try? await source.finish()
            throw error
        }
        try await source.finish()
        // Stopped, or given back from behind a gateway that stayed down: they never left, so they wait their turn again.
        try await source.releaseUnsent(summary.unfinishedMessageIDs)
        return summary
    }

    /// A fixed-schedule campaign whose every occurrence is materialised and
    /// settled is `completed`; relative campaigns keep running (new dates
    /// keep arriving) until cancelled.
    private func completeIfFinished(_ campaign: String) async throws {
        guard let definition = campaigns[campaign]?.definition else { return }
        if definition.schedule?.relative != nil { return }
        let through = try await store.materialisedThrough(campaign: campaign) ?? .distantPast
        let zone = TimeZone(identifier: definition.schedule?.timeZone ?? settings.projectTimeZone) ?? TimeZone(identifier: "UTC")!
        if let schedule = definition.schedule {
            let planner = SchedulePlanner(schedule)
            let all = planner.occurrences(limit: 100_000)
            // Every occurrence's latest zone (UTC-12) must be behind the watermark.
            guard let last = all.last, last.local.instant(in: zone).addingTimeInterval(15 * 3600) <= through else { return }
            if schedule.repetition != nil && schedule.repetition?.times == nil && schedule.repetition?.until == nil { return }
        }
        let counts = try await store.counts(campaign: campaign)
        let byState = counts.byState()
        guard byState[.queued, default: 0] == 0, byState[.sending, default: 0] == 0, byState[.uncertain, default: 0] == 0,
              counts.targeted > 0 else { return }
        do {
            try await store.setCampaignState(campaign, to: .completed, at: clock.now())
            logger.info("campaign completed", metadata: ["campaign": "\(campaign)"])
        } catch let changed as CampaignTransitionError {
            // Paused or cancelled by an officer while this tick ran: their word stands, and the
            // scheduler goes on with every other campaign.
            logger.info("campaign changed state during the tick; not completed",
                        metadata: ["campaign": "\(campaign)", "state": "\(changed.from.rawValue)"])
        }
    }
}

/// What one tick did.
public struct TickReport: Sendable {
    public var at: Date
    public var campaigns: [CampaignTickReport] = []
    public var dispatch: DispatchSummary?
    public var nextDue: Date?

    public init(at: Date) { self.at = at }

    public var materialised: Int { campaigns.reduce(0) { $0 + $1.inserted } }
}

/// What one tick did for one campaign: entries materialised into the ledger (new, already there, opted out)
/// and when the campaign's next send is due.
public struct CampaignTickReport: Sendable {
    public var campaign: String
    public var inserted = 0
    public var alreadyPresent = 0
    public var optedOut = 0
    public var nextDue: Date?

    public init(campaign: String) { self.campaign = campaign }

    mutating func add(_ result: MaterialisationResult) {
        inserted += result.inserted
        alreadyPresent += result.alreadyPresent
        optedOut += result.optedOut
    }
}

/// What start-up found of the last run's in-flight messages.
public struct RecoveryReport: Sendable, Equatable {
    public var uncertain: Int
    public var requeued = 0
    public var skipped = 0

    public init(uncertain: Int) { self.uncertain = uncertain }
}
