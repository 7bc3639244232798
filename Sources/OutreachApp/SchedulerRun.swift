public import Foundation
public import Logging
public import OutreachCore
public import OutreachDispatch
import OutreachProject
public import OutreachScheduler
public import OutreachStore

/// A prepared scheduler: its service, and what it holds until it stops.
public struct SchedulerRun: Sendable {
    public let service: SchedulerService
    public let gateways: [any MessageGateway]
    /// One sender per ledger: held while the scheduler runs.
    public let sendLock: LedgerSendLock

    public init(service: SchedulerService, gateways: [any MessageGateway], sendLock: LedgerSendLock) {
        self.service = service
        self.gateways = gateways
        self.sendLock = sendLock
    }

    /// Shuts the gateways down (through `MessageGateway.shutdown()`) and lets the send lock go.
    public func close() async {
        for gateway in gateways { await gateway.shutdown() }
        withExtendedLifetime(sendLock) {}
    }

    /// The scheduler `run` starts (and `serve --with-scheduler` beside the server), built in this order: the
    /// ledger's send lock, the launched campaigns (from their stored versions), their gateways (the file outbox
    /// under each gateway's name in a `rehearsal`), the dispatcher over their lanes, the scheduler and its service.
    /// Any problem stops the start before anything is sent.
    ///
    /// - Parameters:
    ///   - stopAt: the scheduler stops when the clock passes it (`--until`).
    ///   - notify: lines for the operator (warnings, adoptions, errors found in launched versions).
    ///   - onTick: each tick's report.
    public static func prepare(_ disk: LaunchWorkspace, store: SQLiteLedger, clock: any SchedulerClock, rehearsal: Bool,
                               once: Bool, stopAt: Date?, logger: Logger,
                               notify: @escaping @Sendable (String) -> Void,
                               onTick: @escaping @Sendable (TickReport) -> Void) async throws -> SchedulerRun {
        let project = disk.project
        // One sender per ledger, taken before recovery reads what a previous sender left `sending`.
        let sendLock = try LedgerSendLock(ledgerPath: store.path)

        // Campaigns and their gateways: any problem stops the start, before anything is sent.
        let running = try await LaunchedCampaigns.load(disk, store: store, now: clock.now(), logger: logger)
        for line in running.adoptions + running.warnings { notify(line) }
        guard running.errors.isEmpty else {
            for error in running.errors { notify(error.description) }
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
            let byChannel = try CampaignGateways.byChannel(definition)
            for name in Set(byChannel.values) where configurations[name] == nil {
                configurations[name] = try project.gateway(named: name)
            }
            try CampaignGateways.check(definition, project: project)
            campaignRoutes.setGateways(byChannel, campaign: definition.name)
        }
        // Gateways drafts name too, so a campaign launched while `run` runs has its lane.
        for definition in project.campaigns where disk.problems(usedBy: definition).isEmpty {
            guard let byChannel = try? CampaignGateways.byChannel(definition) else { continue }
            for name in Set(byChannel.values) where configurations[name] == nil {
                if let configuration = try? project.gateway(named: name) { configurations[name] = configuration }
            }
        }
        var lanes: [DispatchLane] = []
        var gateways: [any MessageGateway] = []
        for real in configurations.values.sorted(by: { $0.name < $1.name }) {
            let configuration = rehearsal ? Self.rehearsalGateway(for: real) : real
            let gateway = try SendGateways.make(configuration, projectRoot: project.root, logger: logger)
            gateways.append(gateway)
            lanes.append(DispatchLane(gateway: gateway, configuration: configuration))
        }
        var settings = CampaignScheduler.Settings(projectTimeZone: project.configuration.timeZone,
                                                  quietHours: project.configuration.quietHours,
                                                  frequencyCap: project.configuration.frequencyCap)
        settings.optOutScope = project.configuration.optOutScope
        if let stopAt { settings.stopAt = stopAt }
        let routes = settings.routes
        let dispatcher = Dispatcher(lanes: lanes, configuration: Self.dispatchConfiguration(lanes), logger: logger, route: { message in
            routes.campaign(of: message.id).flatMap { campaignRoutes.gateway(campaign: $0, channel: message.channel) }
        })
        guard let populationPath = project.populationPath else {
            for gateway in gateways { await gateway.shutdown() }
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
                    notify("warning: campaign '\(name)' version \(launched.version.number) is not run: \(LaunchWorkspace.firstLine(error))")
                    continue
                }
                let byChannel = (try? CampaignGateways.byChannel(launched.definition)) ?? [:]
                if let missing = Set(byChannel.values).subtracting(laned).sorted().first {
                    notify("warning: campaign '\(name)' is not run: gateway '\(missing)' was not in use when `outreach run` started; restart it")
                    continue
                }
                fresh.append(try launched.scheduled())
                campaignRoutes.setGateways(byChannel, campaign: name)
            }
            return fresh
        }
        let service = SchedulerService(scheduler: scheduler, once: once, onTick: onTick)
        return SchedulerRun(service: service, gateways: gateways, sendLock: sendLock)
    }

    /// Where a rehearsal keeps its state: beside the ledger it copies (`ledger.sqlite` → `ledger.rehearsal.sqlite`).
    public static func rehearsalPath(of ledger: String) -> String {
        let url = URL(fileURLWithPath: ledger)
        let base = url.deletingPathExtension().lastPathComponent
        return url.deletingLastPathComponent().appendingPathComponent(base + ".rehearsal." + (url.pathExtension.isEmpty ? "sqlite" : url.pathExtension)).path
    }

    /// Every message of a rehearsal, whatever its gateway.
    public static let rehearsalOutbox = "out/rehearsal-outbox.jsonl"

    /// A gateway's stand-in in a rehearsal: the file outbox under the same name, with its sender.
    public static func rehearsalGateway(for real: GatewayConfiguration) -> GatewayConfiguration {
        let settings = FileOutboxSettings(path: rehearsalOutbox, channel: real.channel)
        return GatewayConfiguration(name: real.name, settings: .file(settings), smartEncoding: real.smartEncoding, sender: real.sender)
    }

    /// A crash leaves in doubt only attempts under way and answers not yet
    /// recorded (claimed messages whose first attempt never started are
    /// queued again): record outcomes within 0.1 s, and claim about a tenth
    /// of a second of traffic at a time (at least two rounds of the
    /// gateways' concurrency) so a pause or cancel takes effect quickly.
    public static func dispatchConfiguration(_ lanes: [DispatchLane]) -> Dispatcher.Configuration {
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
