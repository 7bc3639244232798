import ArgumentParser
import Foundation
import Logging
import OutreachCore
import OutreachDispatch
import OutreachProject
import OutreachScheduler
import OutreachStore
import ServiceLifecycle

/// `outreach run`: the long-running scheduler for every launched campaign.
/// SIGTERM or a first Ctrl-C stops claiming, lets in-flight sends finish and
/// records them; a second Ctrl-C exits at once (the next run marks what was
/// in flight as uncertain).
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the scheduler: materialise due sends of launched campaigns into the ledger and send them.")

    @OptionGroup var options: ProjectOptions
    @OptionGroup var clock: ClockOptions
    @Flag(name: .long, help: "Process what is due now and exit (for cron and tests).") var once = false
    @Option(name: .long, help: "Stop when the clock passes this instant (ISO 8601), e.g. at the end of an accelerated rehearsal.")
    var until: String?
    @Option(name: .long, help: "Ledger file, instead of the project's.") var ledger: String?
    @Flag(name: .long, help: "Log each tick at info level on stderr.") var verbose = false
    @Flag(name: .long, help: "With --at or --speed: use the real ledger and gateways (without it such a run is a rehearsal).")
    var live = false

    func run() async throws {
        try await reportingErrors {
            // A broken or deleted file is a warning: launched campaigns run from their stored versions, drafts'
            // files are not read. outreach.yaml, the schema and the gateways still stop the start.
            let disk = try LaunchWorkspace(options)
            let workspace = disk.workspace
            let project = workspace.project
            let clock = try self.clock.clock()
            var logger = Logger(label: "outreach.run") { StreamLogHandler.standardError(label: $0) }
            logger.logLevel = verbose ? .info : .warning
            // A run at another time or speed is a rehearsal unless --live: it runs on a copy of the ledger and
            // every gateway is the file outbox, so nothing reaches a real gateway and the ledger is untouched.
            let rehearsal = (self.clock.at != nil || self.clock.speed != nil) && !live
            var store = try workspace.openLedger(ledger)
            if rehearsal {
                let copy = Self.rehearsalPath(of: store.path)
                try store.copy(to: copy)
                store = try workspace.openLedger(copy)
                printError("rehearsal (--at/--speed without --live): nothing is sent and the project ledger is untouched; "
                           + "messages go to \(Self.rehearsalOutbox), state to \(copy) (`outreach report NAME --ledger \(copy)`)")
            }
            let scheduler = try await Self.prepareScheduler(disk, store: store, clock: clock, rehearsal: rehearsal,
                                                            once: once, until: until, verbose: verbose, logger: logger)
            try await Self.runServices([.init(service: scheduler.service, successTerminationBehavior: .gracefullyShutdownGroup)],
                                       scheduler: scheduler, logger: logger)
        }
    }

    /// The scheduler `run` starts (and `serve --with-scheduler` beside the server): launched campaigns, their
    /// gateways' lanes, the dispatcher. Takes the ledger's send lock first; any problem stops the start.
    static func prepareScheduler(_ disk: LaunchWorkspace, store: SQLiteLedger, clock: any SchedulerClock, rehearsal: Bool,
                                 once: Bool, until: String?, verbose: Bool, logger: Logger) async throws -> SchedulerRun {
        let project = disk.project
        // One sender per ledger, taken before recovery reads what a previous sender left `sending`.
        let sendLock = try LedgerSendLock(ledgerPath: store.path)

        // Campaigns and their gateways: any problem stops the start, before anything is sent.
        let running = try await LaunchedCampaigns.load(disk, store: store, now: clock.now(), logger: logger)
        for line in running.warnings { printError(line) }
        guard running.errors.isEmpty else {
            for error in running.errors { printError(error.description) }
            throw OutreachError(.invalidProject, "run refused: launched campaigns have \(running.errors.count) error(s), listed above; nothing was sent",
                                hint: "fix them (`outreach validate` checks the project), then `outreach update NAME` and run again")
        }
        var scheduled: [ScheduledCampaign] = []
        let campaignRoutes = LaunchedCampaignRoutes(versions: try await store.versionNumbers())
        var configurations: [String: GatewayConfiguration] = [:]
        for launched in running.campaigns {
            let definition = launched.definition
            scheduled.append(try launched.scheduled())
            guard definition.channels.contains(where: { definition.gateway(for: $0) != nil }) else { continue }
            let byChannel = try Send.channelGateways(definition)
            for name in Set(byChannel.values) where configurations[name] == nil {
                configurations[name] = try project.gateway(named: name)
            }
            try Send.checkGateways(definition, project: project)
            campaignRoutes.setGateways(byChannel, campaign: definition.name)
        }
        // Gateways drafts name too, so a campaign launched while `run` runs has its lane.
        for definition in project.campaigns where disk.problems(usedBy: definition).isEmpty {
            guard let byChannel = try? Send.channelGateways(definition) else { continue }
            for name in Set(byChannel.values) where configurations[name] == nil {
                if let configuration = try? project.gateway(named: name) { configurations[name] = configuration }
            }
        }
        var lanes: [DispatchLane] = []
        var gateways: [any MessageGateway] = []
        for real in configurations.values.sorted(by: { $0.name < $1.name }) {
            let configuration = rehearsal ? Self.rehearsalGateway(for: real) : real
            let gateway = try SendGateways.make(configuration, projectRoot: project.root)
            gateways.append(gateway)
            lanes.append(DispatchLane(gateway: gateway, configuration: configuration))
        }
        var settings = CampaignScheduler.Settings(projectTimeZone: project.configuration.timeZone,
                                                  quietHours: project.configuration.quietHours,
                                                  frequencyCap: project.configuration.frequencyCap)
        settings.optOutScope = project.configuration.optOutScope
        if let until {
            guard let stop = ClockOptions.instant(until) else {
                throw OutreachError(.invalidValue, "--until '\(until)' is not an ISO 8601 instant")
            }
            settings.stopAt = stop
        }
        let routes = settings.routes
        let dispatcher = Dispatcher(lanes: lanes, configuration: Self.dispatchConfiguration(lanes), logger: logger, route: { message in
            routes.campaign(of: message.id).flatMap { campaignRoutes.gateway(campaign: $0, channel: message.channel) }
        })
        guard let populationPath = project.populationPath else {
            throw OutreachError(.invalidProject, "no population file", hint: "set population.file in outreach.yaml or pass --population FILE")
        }
        let schema = project.schema
        let scheduler = CampaignScheduler(
            store: store, campaigns: scheduled, catalog: try AudienceCatalog([]),
            population: {
                let (population, report) = try PopulationFile.load(populationPath, schema: schema)
                if let refusal = report.lostRecordsRefusal { throw refusal }
                return population
            },
            dispatcher: dispatcher, clock: clock, settings: settings, logger: logger)
        // A launch, update or relaunch while this runs is picked up at the next tick (at most `maxSleep` away).
        let laned = Set(configurations.keys)
        await scheduler.refreshCampaigns { [disk, store, logger] in
            guard campaignRoutes.changed(try await store.versionNumbers()) else { return nil }
            let running = try await LaunchedCampaigns.load(disk, store: store, now: Date(), logger: logger, adopt: false)
            var fresh: [ScheduledCampaign] = []
            for launched in running.campaigns {
                let name = launched.definition.name
                if let error = launched.errors.first {
                    printError("warning: campaign '\(name)' version \(launched.version.number) is not run: \(LaunchWorkspace.firstLine(error))")
                    continue
                }
                let byChannel = (try? Send.channelGateways(launched.definition)) ?? [:]
                if let missing = Set(byChannel.values).subtracting(laned).sorted().first {
                    printError("warning: campaign '\(name)' is not run: gateway '\(missing)' was not in use when `outreach run` started; restart it")
                    continue
                }
                fresh.append(try launched.scheduled())
                campaignRoutes.setGateways(byChannel, campaign: name)
            }
            return fresh
        }

        let quiet = !verbose
        let service = SchedulerService(scheduler: scheduler, once: once) { report in
            // Idle ticks only with --verbose: an accelerated rehearsal ticks thousands of times.
            if quiet && report.materialised == 0 && (report.dispatch?.messages ?? 0) == 0 { return }
            print(RunText.tick(report, zone: project.configuration.timeZone))
        }
        return SchedulerRun(service: service, gateways: gateways, sendLock: sendLock)
    }

    /// Runs `services` in one ServiceGroup until they finish or SIGTERM / a first Ctrl-C drains them (at most
    /// 30 s); a second Ctrl-C exits at once. Closes the scheduler's gateways after.
    static func runServices(_ services: [ServiceGroupConfiguration.ServiceConfiguration], scheduler: SchedulerRun?,
                            logger: Logger) async throws {
        var groupLogger = logger
        groupLogger.logLevel = .warning
        var groupConfiguration = ServiceGroupConfiguration(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint], logger: groupLogger)
        // Retries waiting out a back-off could hold a shutdown for minutes: after 30 s the
        // run is cancelled; what is still `sending` is marked uncertain at the next start.
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(30)
        let group = ServiceGroup(configuration: groupConfiguration)
        // The first Ctrl-C is the service group's graceful shutdown; the second exits at once.
        let interrupt = InterruptHandler {}
        do {
            try await group.run()
        } catch let cancelled as DispatchCancelled {
            // Stopped harder than gracefully (a second Ctrl-C, or a stop past its 30 s): one line, not a dump.
            interrupt.stop()
            await scheduler?.close()
            let s = cancelled.summary
            printError("interrupted: \(grouped(s.accepted)) accepted, \(grouped(s.rejected)) rejected, \(grouped(s.failed)) failed, "
                       + "\(grouped(cancelled.unfinishedMessageIDs.count)) put back in the queue unsent")
            throw ExitCode(130)
        }
        interrupt.stop()
        await scheduler?.close()
    }

    /// Where a rehearsal keeps its state: beside the ledger it copies (`ledger.sqlite` → `ledger.rehearsal.sqlite`).
    static func rehearsalPath(of ledger: String) -> String {
        let url = URL(fileURLWithPath: ledger)
        let base = url.deletingPathExtension().lastPathComponent
        return url.deletingLastPathComponent().appendingPathComponent(base + ".rehearsal." + (url.pathExtension.isEmpty ? "sqlite" : url.pathExtension)).path
    }

    /// Every message of a rehearsal, whatever its gateway.
    static let rehearsalOutbox = "out/rehearsal-outbox.jsonl"

    /// A gateway's stand-in in a rehearsal: the file outbox under the same name, with its sender.
    static func rehearsalGateway(for real: GatewayConfiguration) -> GatewayConfiguration {
        let settings = FileOutboxSettings(path: rehearsalOutbox, channel: real.channel)
        return GatewayConfiguration(name: real.name, settings: .file(settings), smartEncoding: real.smartEncoding, sender: real.sender)
    }

    /// A crash leaves in doubt only attempts under way and answers not yet
    /// recorded (claimed messages whose first attempt never started are
    /// queued again): record outcomes within 0.1 s, and claim about a tenth
    /// of a second of traffic at a time (at least two rounds of the
    /// gateways' concurrency) so a pause or cancel takes effect quickly.
    static func dispatchConfiguration(_ lanes: [DispatchLane]) -> Dispatcher.Configuration {
        var configuration = Dispatcher.Configuration()
        let concurrency = lanes.map(\.concurrency).max() ?? 8
        let rate = lanes.compactMap { $0.rate?.perSecond }.max()
        let perTenth = rate.map { Int(($0 / 10).rounded(.up)) } ?? 256
        configuration.batchSize = min(1_024, max(2 * concurrency, perTenth))
        configuration.outcomeBatchSize = max(16, configuration.batchSize / 2)
        configuration.outcomeMaxAge = 0.1
        return configuration
    }
}

enum RunText {
    static func tick(_ report: TickReport, zone: String) -> String {
        let tz = TimeZone(identifier: zone) ?? .current
        let local = LocalDateTime(report.at, in: tz)
        var line = "[\(local) \(zone)]"
        let materialised = report.campaigns.filter { $0.inserted > 0 }
        if materialised.isEmpty {
            line += " nothing new due"
        } else {
            line += " due: " + materialised.map { "\($0.campaign) +\(grouped($0.inserted))" + ($0.optedOut > 0 ? " (\($0.optedOut) opted out)" : "") }
                .joined(separator: ", ")
        }
        if let d = report.dispatch, d.messages > 0 {
            line += "; sent \(grouped(d.messages - d.unfinished)): \(grouped(d.accepted)) accepted, \(grouped(d.rejected)) rejected, \(grouped(d.failed)) failed"
            if d.unfinished > 0 { line += "; \(grouped(d.unfinished)) put back in the queue unsent" }
        }
        if let next = report.nextDue {
            line += "; next due \(LocalDateTime(next, in: tz))"
        }
        return line
    }
}

/// A prepared scheduler: its service, and what it holds until it stops.
struct SchedulerRun {
    let service: SchedulerService
    let gateways: [any MessageGateway]
    /// One sender per ledger: held while the scheduler runs.
    let sendLock: LedgerSendLock

    func close() async {
        for gateway in gateways { await SendGateways.close(gateway) }
        withExtendedLifetime(sendLock) {}
    }
}
