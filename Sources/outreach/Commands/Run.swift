import ArgumentParser
import Foundation
import Logging
import OutreachApp
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
            let rehearsal = (self.clock.at != nil || self.clock.speed != nil) && !live
            let disk = try LaunchWorkspace(options, rehearsal: rehearsal)
            let workspace = disk.workspace
            let clock = try self.clock.clock()
            var logger = Logger(label: "outreach.run") { StreamLogHandler.standardError(label: $0) }
            logger.logLevel = verbose ? .info : .warning
            // A run at another time or speed is a rehearsal unless --live: it runs on a copy of the ledger and
            // every gateway is the file outbox, so nothing reaches a real gateway and the ledger is untouched.
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

    /// The scheduler `run` starts (and `serve --with-scheduler` beside the server), built by OutreachApp; its
    /// warnings go to stderr, its ticks to stdout (idle ones only with --verbose).
    static func prepareScheduler(_ disk: LaunchWorkspace, store: SQLiteLedger, clock: any SchedulerClock, rehearsal: Bool,
                                 once: Bool, until: String?, verbose: Bool, logger: Logger) async throws -> SchedulerRun {
        var stopAt: Date?
        if let until {
            guard let stop = ClockOptions.instant(until) else {
                throw OutreachError(.invalidValue, "--until '\(until)' is not an ISO 8601 instant")
            }
            stopAt = stop
        }
        let quiet = !verbose
        let zone = disk.project.configuration.timeZone
        return try await SchedulerRun.prepare(disk, store: store, clock: clock, rehearsal: rehearsal, once: once, stopAt: stopAt,
                                              logger: logger, notify: { printError($0) }) { report in
            // Idle ticks only with --verbose: an accelerated rehearsal ticks thousands of times.
            if quiet && report.materialised == 0 && (report.dispatch?.messages ?? 0) == 0 { return }
            print(RunText.tick(report, zone: zone))
        }
    }

    /// Runs `services` in one ServiceGroup until they finish or SIGTERM / a first Ctrl-C drains them (at most
    /// 30 s); a second Ctrl-C exits at once. Closes the scheduler's gateways after.
    static func runServices(_ services: [ServiceGroupConfiguration.ServiceConfiguration], scheduler: SchedulerRun?,
                            logger: Logger) async throws {
        let group = OutreachServices(services: services, scheduler: scheduler).group(logger: logger)
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
    static func rehearsalPath(of ledger: String) -> String { SchedulerRun.rehearsalPath(of: ledger) }

    /// Every message of a rehearsal, whatever its gateway.
    static let rehearsalOutbox = SchedulerRun.rehearsalOutbox

    static func dispatchConfiguration(_ lanes: [DispatchLane]) -> Dispatcher.Configuration {
        SchedulerRun.dispatchConfiguration(lanes)
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
