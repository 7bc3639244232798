import ArgumentParser
import Foundation
import Logging
import OutreachApp
import OutreachCore
import OutreachDispatch
import OutreachProject
import OutreachScheduler
import OutreachStore

/// `send --now`: one occurrence of the campaign, recorded in the project ledger as the scheduler records its
/// occurrences (entries made by `OccurrenceEntries`), then sent through the scheduler's claim: quiet hours,
/// frequency caps, opt-outs, throttle, one sender per ledger, and nothing sent twice.
extension Send {
    /// What the ledger holds for the occurrence once the send is over, beside what this run sent.
    struct LedgerFigures: Encodable {
        /// Entries new in the ledger this run (the rest were there from an earlier send of the occurrence).
        var recorded: Int
        /// Sent (or given up on) by an earlier send of this occurrence: not sent again.
        var alreadySent: Int
        /// Queued, held by quiet hours until `quietHoursEnd`.
        var waitingForQuietHours: Int
        /// Local time (project zone) the quiet hours holding them end.
        var quietHoursEnd: String?
        /// Queued and not held: left by --limit or an interruption.
        var queued: Int
        /// Skipped when claimed (frequency cap, opt-out since, quiet-hours overflow), by reason label.
        var skippedAtSend: [String: Int]
        /// Found in flight and not settled (another sender's, or in doubt).
        var inDoubt: Int
    }

    /// The instant `send` acts at and the evaluation day (`--today`, else the day of `--at` in the project zone).
    func sendNowWorkspace() throws -> (Workspace, any SchedulerClock) {
        if clock.speed != nil { throw OutreachError(.invalidValue, "--speed is for `outreach run`, not `send`") }
        var workspace = try options.load()
        let clock = try self.clock.clock()
        if self.clock.at != nil && options.today == nil {
            let zone = TimeZone(identifier: workspace.project.configuration.timeZone) ?? TimeZone(identifier: "UTC")!
            workspace = Workspace(project: workspace.project, today: LocalDateTime(clock.now(), in: zone).day)
        }
        return (workspace, clock)
    }

    /// The campaign as it is sent: a launched (paused, completed, cancelled) campaign's launched version, as `run`
    /// sends it, whatever its files say now, with that version's templates and audiences and its generation; a
    /// draft's files.
    static func campaignAsSent(_ name: String, state: CampaignState, workspace: Workspace,
                               store: SQLiteLedger) async throws -> (CampaignDefinition, Workspace, generation: Int) {
        if state != .draft, let version = try await store.latestVersions()[name] {
            let (launched, overlay) = try CampaignSources.load(version, over: workspace.project)
            return (launched, Workspace(project: overlay, today: workspace.today), version.generation)
        }
        return (try workspace.campaignDefinition(name), workspace, 1)
    }

    /// What a sender does before it writes to the ledger: a logger for the campaign, the ledger's send lock (one
    /// sender per ledger, held while the returned lock lives), then recovery of what a dead sender left `sending`.
    static func takeLedger(_ store: SQLiteLedger, campaign: String, project: Project,
                           clock: any SchedulerClock) async throws -> (Logger, LedgerSendLock) {
        var logger = Logger(label: "outreach.send") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .warning
        logger[metadataKey: "campaign"] = "\(campaign)"
        let sendLock = try LedgerSendLock(ledgerPath: store.path)
        let policies = Dictionary(project.campaigns.map { ($0.name, $0.onUncertain) }, uniquingKeysWith: { a, _ in a })
        _ = try await CampaignScheduler.recover(store: store, policies: policies, at: clock.now(), logger: logger)
        return (logger, sendLock)
    }

    /// The occurrence key: `--occurrence`, else one per evaluation day.
    static func occurrenceKey(_ given: String?, today: Day) -> String { given ?? "now@\(today.iso)" }

    func sendNow(_ workspace: Workspace, clock: any SchedulerClock) async throws -> Bool {
        let store = try workspace.openLedger(ledger)
        let state = try await store.campaignState(campaign)
        let (definition, workspace, generation) = try await Self.campaignAsSent(campaign, state: state, workspace: workspace, store: store)
        if let reason = definition.unsupportedForSending {
            throw OutreachError(.invalidValue, "send refused: campaign '\(definition.name)': \(reason)",
                                at: definition.file.map { SourceLocation(file: $0, line: 1, column: 1) },
                                hint: "send a test with --test --to ADDRESS; remove 'test_phase' to send the variants to everyone")
        }
        let project = workspace.project
        let channelGateways = try Self.channelGateways(definition)
        let gatewayNames = Array(Set(channelGateways.values)).sorted()
        // Gateway problems (a missing ${ENV} secret…) stop a real send before any rendering.
        let configurations = try gatewayNames.map { name throws(OutreachError) in try project.gateway(named: name) }
        try Self.checkGateways(definition, project: project)

        switch state {
        case .paused:
            throw OutreachError(.invalidValue, "campaign '\(definition.name)' is paused: send --now does not send it",
                                hint: "resume it first (outreach resume \(definition.name)), or send a test with --test --to ADDRESS")
        case .cancelled:
            throw OutreachError(.invalidValue, "campaign '\(definition.name)' is cancelled: it sends nothing more",
                                hint: "send a test with --test --to ADDRESS; a cancelled campaign is not sent to its audience")
        case .draft, .launched, .completed:
            break
        }
        let (logger, sendLock) = try await Self.takeLedger(store, campaign: definition.name, project: project, clock: clock)
        defer { withExtendedLifetime(sendLock) {} }

        // The occurrence's entries, made as the scheduler makes them, due now.
        let now = clock.now()
        // A relaunch's occurrences are keyed apart from the earlier generation's, as the scheduler keys them.
        let occurrence = CampaignVersion.occurrenceKey(Self.occurrenceKey(self.occurrence, today: workspace.today), generation: generation)
        let (population, _) = try workspace.population()
        var composer = try workspace.recipientComposer(for: definition, key: store.messageIDKey)
        composer.suppression = try await workspace.suppression(store: store)
        var composing = OccurrenceComposer(composer)
        let segmentation = try CampaignSegmentation(definition, catalog: try workspace.catalog(), population: population,
                                                    today: workspace.today)
        let projectZone = project.configuration.timeZone
        let zoneOf = { (name: String) in TimeZone(identifier: name) ?? TimeZone(identifier: "UTC")! }
        let schedule = ScheduledCampaign(definition: definition, composer: composer)
            .schedule(launchedAt: LocalDateTime(now, in: zoneOf(projectZone)), projectZone: projectZone,
                      quietHours: project.configuration.quietHours)
        // The quiet stretch under way now, if any — the scheduler's sends are due outside them, this one whenever
        // the officer runs it — else the next one, as for a scheduled send.
        let quiet = schedule.heldHours.map { window -> QuietPeriod in
            let zone = zoneOf(schedule.timeZone)
            let current = QuietPeriod(after: now.addingTimeInterval(-86_400), window: window, in: zone)
            return current.contains(now) ? current : QuietPeriod(after: now, window: window, in: zone)
        }
        let maker = OccurrenceEntries(campaign: definition, key: store.messageIDKey)
        // Due at the minute it was sent, as schedules are to the minute (a later send --now of the occurrence
        // within the same minute — a test's fixed --at — still finds them due).
        let dueAt = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 60).rounded(.down) * 60)
        var entries: [LedgerEntry] = []
        for part in segmentation.parts {
            part.members.forEachRow { row in
                let record = population.record(row)
                var made = maker.entry(record, segment: part.segment.name, occurrence: occurrence, dueAt: dueAt, now: now,
                                       personKey: LedgerEntry.personKey(recipient: record.id, key: store.messageIDKey),
                                       composing: &composing)
                if made.state == .queued { made.quiet = quiet }
                entries.append(made)
            }
        }
        let set = CampaignMessageSet(campaign: definition.name, occurrence: occurrence, excluded: segmentation.excluded,
                                     segments: segmentation.parts.map { .init(name: $0.segment.name, recipients: $0.members.count) },
                                     entries: entries)
        var recorded = 0
        for start in stride(from: 0, to: entries.count, by: 5_000) {
            recorded += try await store.materialise(Array(entries[start..<min(start + 5_000, entries.count)]), at: now).inserted
        }
        var toSend = set.messages
        if let limit, toSend.count > limit { toSend = Array(toSend.prefix(limit)) }
        let partsOf = Dictionary(entries.map { ($0.messageID, $0.channel == .sms ? $0.parts : 0) }, uniquingKeysWith: { a, _ in a })
        var report = SendReport(set, definition: definition, population: population.count, gateway: gatewayNames.joined(separator: ", "),
                                optedOut: set.optedOut, today: workspace.today, toSend: toSend,
                                parts: toSend.reduce(0) { $0 + (partsOf[$1.id] ?? 0) }, limit: limit, dryRun: false)

        // Sent through the scheduler's claim, restricted to this campaign and occurrence.
        var lanes: [DispatchLane] = []
        var gateways: [any MessageGateway] = []
        for configuration in configurations {
            let gateway = try SendGateways.make(configuration, projectRoot: project.root, logger: logger)
            gateways.append(gateway)
            lanes.append(DispatchLane(gateway: gateway, configuration: configuration))
        }
        var (request, throttles) = CampaignScheduler.claimRequest([definition], defaultCap: project.configuration.frequencyCap,
                                                                  optOutScope: project.configuration.optOutScope, now: now)
        request.occurrence = occurrence
        request.states = [.draft, .launched, .completed]
        var dispatchConfiguration = Run.dispatchConfiguration(lanes)
        dispatchConfiguration.expectedTotal = toSend.count
        let dispatcher = Dispatcher(lanes: lanes, configuration: dispatchConfiguration, logger: logger,
                                    route: { message in channelGateways[message.channel] })
        let source = ThrottledLedgerSource(store: store, request: request, clock: clock, throttles: throttles, limit: limit)
        let stop = DispatchStop()
        let progress = ProgressLine(tty: isatty(2) == 1)
        // What waited too long (an occurrence left queued days ago) is not sent days late: the scheduler's rule.
        _ = try await store.skipOverdue(campaign: definition.name, lateness: SendTimeline.lateness(of: definition.schedule), at: now)
        let countsBefore = try await store.counts(campaign: definition.name)
        let before = countsBefore.byState(occurrence: occurrence)
        // Ctrl-C: nothing new leaves, attempts in flight finish, what never left goes back to queued.
        let interrupt = InterruptHandler {
            source.stop()
            stop.request()
        }
        let summary: DispatchSummary
        do {
            summary = try await CampaignScheduler.dispatch(dispatcher, from: source, stop: stop) { progress.update($0) }
        } catch let cancelled as DispatchCancelled {
            summary = cancelled.summary
        }
        interrupt.stop()
        progress.finish()
        for gateway in gateways { await SendGateways.close(gateway) }
        // Quiet hours held them and the campaign says to skip what they hold: skipped, as the scheduler does.
        if definition.quietHoursOverflow == .skip {
            _ = try await store.skipHeldByQuietHours(campaign: definition.name, at: clock.now())
        }

        let counts = try await store.counts(campaign: definition.name)
        let after = counts.byState(occurrence: occurrence)
        let held = try await store.heldByQuietHours(campaign: definition.name, at: clock.now())
        let queued = after[.queued] ?? 0
        let waiting = held.count > 0 ? min(queued, held.count) : 0
        var skippedAtSend: [String: Int] = [:]
        let atComposition: [SkipReason: Int] = [.optedOut: set.optedOut, .duplicateAddress: set.duplicateAddresses,
                                                .unreachable: set.unreachable, .renderFailed: set.renderFailures]
        for (reason, n) in counts.bySkipReason(occurrence: occurrence) {
            let extra = n - (atComposition[reason] ?? 0)
            if extra > 0 { skippedAtSend[reason.label] = extra }
        }
        let zone = zoneOf(projectZone)
        report.ledger = LedgerFigures(recorded: recorded, alreadySent: Self.finished(before),
                                      waitingForQuietHours: waiting,
                                      quietHoursEnd: waiting > 0 ? held.resumesAt.map { "\(LocalDateTime($0, in: zone)) \(projectZone)" } : nil,
                                      queued: queued - waiting, skippedAtSend: skippedAtSend,
                                      inDoubt: (after[.sending] ?? 0) + (after[.uncertain] ?? 0))
        report.launched = state == .launched
        let mask = SecretMask(configurations.flatMap(\.secretValues))
        report.result = SendReport.Result(summary, partsAccepted: Self.partsAccepted(before: countsBefore, after: counts,
                                                                                   occurrence: occurrence), mask: mask)
        output(report)
        if summary.unfinished > 0 { throw ExitCode(130) }
        return summary.failed > 0
    }

    /// Entries that left or were given up on: sent, for the summary's "already sent".
    static func finished(_ states: [LedgerState: Int]) -> Int {
        [LedgerState.accepted, .delivered, .failed, .expired].reduce(0) { $0 + (states[$1] ?? 0) }
    }

    /// SMS parts of the occurrence's messages accepted by this run (the ledger's, less what it held before).
    static func partsAccepted(before: LedgerCounts, after: LedgerCounts, occurrence: String) -> Int {
        func parts(_ counts: LedgerCounts) -> Int {
            counts.rows.filter { $0.occurrence == occurrence && $0.channel == .sms && ($0.state == .accepted || $0.state == .delivered) }
                .reduce(0) { $0 + $1.parts }
        }
        return max(0, parts(after) - parts(before))
    }
}
