import ArgumentParser
import Foundation
import Logging
import OutreachCore
import OutreachDispatch
import OutreachProject
import OutreachStore
import Synchronization

/// `outreach send CAMPAIGN --now`: renders the campaign's audience and sends
/// one occurrence through the campaign's gateway, with a live progress line
/// and a final summary. `--dry-run` renders and counts without sending.
struct Send: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send one occurrence of a campaign now through its gateway (or --dry-run: render and count only).",
        discussion: """
            Exit status: 0 when every message was accepted or rejected by the gateway, 2 when some failed \
            after their retries, 1 on a project or gateway error (nothing sent), 130 when interrupted \
            (Ctrl-C: attempts in flight finish, nothing new leaves, the summary counts the unfinished).
            """)

    @OptionGroup var options: ProjectOptions

    @Argument(help: "Campaign name (file name in campaigns/ without .yaml).")
    var campaign: String

    @Flag(name: .long, help: "Send now (scheduled sends are the scheduler's; see outreach plan).")
    var now = false

    @Option(name: .long, help: "Send at most this many messages (the first ones, in segment order).")
    var limit: Int?

    @Flag(name: .long, help: "Render and count without sending.")
    var dryRun = false

    @Flag(name: .long, help: "Print the summary as JSON on standard output.")
    var json = false

    @Option(name: .long, help: "Ledger file holding the suppression list, instead of the project's.")
    var ledger: String?

    @Option(name: .long, help: "Occurrence id in message ids (default: the evaluation day, YYYY-MM-DD).")
    var occurrence: String?

    func validate() throws {
        if !now && !dryRun {
            throw ValidationError("give --now to send now (or --dry-run to render and count only)")
        }
        if let limit, limit < 0 { throw ValidationError("--limit must be 0 or more") }
        if let occurrence, occurrence.isEmpty || occurrence.contains("/") {
            throw ValidationError("--occurrence must be non-empty and without '/'")
        }
    }

    func run() async throws {
        let failed = try await reportingErrors { () async throws -> Bool in
            let workspace = try options.load()
            let project = workspace.project
            let definition = try workspace.campaignDefinition(campaign)
            let channelGateways = try Self.channelGateways(definition)
            let gatewayNames = Array(Set(channelGateways.values)).sorted()
            // Gateway problems (a missing ${ENV} secret…) stop a real send before any rendering.
            var configurations: [GatewayConfiguration] = []
            if !dryRun {
                configurations = try gatewayNames.map { name throws(OutreachError) in try project.gateway(named: name) }
                try Self.checkGateways(definition, project: project)
            }

            let (population, _) = try workspace.population()
            var builder = CampaignMessages(catalog: try workspace.catalog(), templates: try workspace.channelTemplates(for: definition),
                                           contactFields: workspace.contactFields, today: workspace.today,
                                           occurrence: occurrence ?? workspace.today.iso)
            // Ids that leave are hashed with the project ledger's key (the file is made when missing; nothing
            // is recorded in it): they tell no one whose they are. A dry run keeps readable ids.
            let ledgerPath = ledger ?? project.configuration.ledgerFile(root: project.root)
            let store = dryRun ? nil : try workspace.openLedger(ledgerPath)
            builder.idKey = store?.messageIDKey
            // The suppression list holds here too, decided where preview decides it (by person or address).
            builder.suppression = try await workspace.suppression(store: store, path: ledgerPath)
            let set = try builder.build(definition, population: population)
            var messages = set.messages
            let optedOut = set.optedOut
            if let limit, messages.count > limit { messages = Array(messages.prefix(limit)) }
            var partsByID: [String: Int] = [:]
            for m in messages where m.channel == .sms { partsByID[m.id] = SMSText.info(m.text).parts }

            var report = SendReport(set, definition: definition, population: population.count, gateway: gatewayNames.joined(separator: ", "),
                                    optedOut: optedOut,
                                    today: workspace.today, toSend: messages, parts: partsByID.values.reduce(0, +),
                                    limit: limit, dryRun: dryRun)
            guard !dryRun else {
                output(report)
                return false
            }

            var logger = Logger(label: "outreach.send") { StreamLogHandler.standardError(label: $0) }
            logger.logLevel = .warning
            logger[metadataKey: "campaign"] = "\(definition.name)"
            var gateways: [any MessageGateway] = []
            var lanes: [DispatchLane] = []
            for configuration in configurations {
                let gateway = try SendGateways.make(configuration, projectRoot: project.root)
                gateways.append(gateway)
                var lane = DispatchLane(gateway: gateway, configuration: configuration)
                lane.rate = Self.stricter(configuration.rate, definition.throttle)
                lanes.append(lane)
            }
            var dispatchConfiguration = Dispatcher.Configuration()
            dispatchConfiguration.expectedTotal = messages.count
            let dispatcher = Dispatcher(lanes: lanes, configuration: dispatchConfiguration, logger: logger,
                                        route: { message in channelGateways[message.channel] })
            let progress = ProgressLine(tty: isatty(2) == 1)
            let sink = SendSink(parts: partsByID)
            let run = Task { try await dispatcher.run(source: ArrayMessageSource(messages), sink: sink) { progress.update($0) } }
            let interrupt = InterruptHandler { run.cancel() }
            let summary: DispatchSummary
            do {
                summary = try await run.value
            } catch let cancelled as DispatchCancelled {
                summary = cancelled.summary
            }
            interrupt.stop()
            progress.finish()
            for gateway in gateways { await SendGateways.close(gateway) }

            let mask = SecretMask(configurations.flatMap(\.secretValues))
            report.result = SendReport.Result(summary, partsAccepted: sink.partsAccepted, mask: mask)
            output(report)
            if summary.unfinished > 0 { throw ExitCode(130) }
            return summary.failed > 0
        }
        if failed { throw ExitCode(2) }
    }

    private func output(_ report: SendReport) {
        if json {
            try? printJSON(report)
        } else {
            print(report.text)
        }
    }


    /// The gateway name for each of the campaign's channels (`gateway: NAME`
    /// or `gateway: {sms: NAME, email: NAME}`); every channel needs one.
    static func channelGateways(_ campaign: CampaignDefinition) throws(OutreachError) -> [Channel: String] {
        var result: [Channel: String] = [:]
        for channel in campaign.channels {
            guard let name = campaign.gateway(for: channel) else {
                throw OutreachError(.invalidProject, "campaign '\(campaign.name)' has no gateway for \(channel.rawValue)",
                                    at: campaign.file.map { SourceLocation(file: $0, line: 1, column: 1) },
                                    hint: "add gateway: NAME (one of gateways.yaml), or gateway: {sms: NAME, email: NAME}")
            }
            result[channel] = name
        }
        return result
    }

    /// Each channel's gateway must exist and carry that channel (a file outbox
    /// takes any): the first problem `validate` would report.
    static func checkGateways(_ campaign: CampaignDefinition, project: Project) throws(OutreachError) {
        let at = campaign.file.map { SourceLocation(file: $0, line: 1, column: 1) }
        if let problem = ProjectCheck.gatewayErrors(campaign, project: project, at: at).first { throw problem }
    }

    /// The stricter of two rate limits (nil is unlimited).
    static func stricter(_ a: RateLimit?, _ b: RateLimit?) -> RateLimit? {
        guard let a else { return b }
        guard let b else { return a }
        return RateLimit(perSecond: min(a.perSecond, b.perSecond), burst: min(a.burst, b.burst))
    }
}

/// Counts the SMS parts of accepted messages; the dispatcher's summary has the rest.
final class SendSink: OutcomeSink {
    private let parts: [String: Int]
    private let accepted = Mutex(0)

    init(parts: [String: Int]) { self.parts = parts }

    func willSend(_ messages: [OutboundMessage]) async throws {}

    func didFinish(_ outcomes: [DeliveryOutcome]) async throws {
        let n = outcomes.reduce(0) { $0 + ($1.kind == .accepted ? parts[$1.messageID] ?? 0 : 0) }
        accepted.withLock { $0 += n }
    }

    var partsAccepted: Int { accepted.withLock { $0 } }
}

/// The progress of a send on standard error: one line rewritten in place
/// on a terminal, a line every few seconds otherwise (logs, CI).
final class ProgressLine: Sendable {
    private let tty: Bool
    private let state: Mutex<(lastPrint: Double, printed: Bool)>
    private let started = ContinuousClock.now

    /// On a terminal the line shows at once; elsewhere the first comes after
    /// 5 s, so a quick send prints only its summary.
    init(tty: Bool) {
        self.tty = tty
        state = Mutex((tty ? -1e9 : 0, false))
    }

    func update(_ p: DispatchProgress) {
        let elapsed = Double((ContinuousClock.now - started).components.seconds)
            + Double((ContinuousClock.now - started).components.attoseconds) / 1e18
        let interval = tty ? 0.2 : 5
        let due = state.withLock { s -> Bool in
            guard elapsed - s.lastPrint >= interval else { return false }
            s.lastPrint = elapsed
            s.printed = true
            return true
        }
        guard due else { return }
        let total = p.total.map { "/\(grouped($0))" } ?? ""
        var line = "sent \(grouped(p.sent))\(total)  accepted \(grouped(p.accepted))  rejected \(grouped(p.rejected))  failed \(grouped(p.failed))"
        if p.retrying > 0 { line += "  retrying \(grouped(p.retrying))" }
        line += "  " + String(format: "%.1f/s", p.ratePerSecond) + "  ETA \(clockText(p.etaSeconds))"
        if !p.openBreakers.isEmpty { line += "  breaker open: \(p.openBreakers.joined(separator: ", "))" }
        printError(tty ? "\r\u{1B}[2K" + line : line, newline: !tty)
    }

    /// Clears the live line (a terminal) before the summary.
    func finish() {
        if tty, state.withLock({ $0.printed }) { printError("\r\u{1B}[2K", newline: false) }
    }
}

func printError(_ text: String, newline: Bool) {
    FileHandle.standardError.write(Data((newline ? text + "\n" : text).utf8))
}

/// What `send` prints: what was targeted, why some get nothing, and what
/// the gateway did with the rest.
struct SendReport: Encodable {
    struct Result: Encodable {
        var accepted: Int
        var rejected: Int
        var failed: Int
        /// Not finished (the run was interrupted).
        var unfinished: Int
        var attempts: Int
        /// SMS parts of accepted messages.
        var partsAccepted: Int
        var elapsedSeconds: Double
        var messagesPerSecond: Double
        var rejectedByReason: [DispatchSummary.Reason]
        var failedByReason: [DispatchSummary.Reason]
        var breakerOpenings: Int

        init(_ s: DispatchSummary, partsAccepted: Int, mask: SecretMask) {
            accepted = s.accepted
            rejected = s.rejected
            failed = s.failed
            unfinished = s.unfinished
            attempts = s.attempts
            self.partsAccepted = partsAccepted
            elapsedSeconds = s.elapsedSeconds
            messagesPerSecond = s.ratePerSecond
            func masked(_ reasons: [DispatchSummary.Reason]) -> [DispatchSummary.Reason] {
                reasons.map { var r = $0; r.reason = mask.apply(r.reason); return r }
            }
            rejectedByReason = masked(s.rejectedByReason)
            failedByReason = masked(s.failedByReason)
            breakerOpenings = s.breakerOpenings.values.reduce(0, +)
        }
    }

    var campaign: String
    var title: String
    var occurrence: String
    var gateway: String
    var today: String
    var dryRun: Bool
    var population: Int
    var excluded: Int
    var targeted: Int
    var unreachable: Int
    var unreachableReasons: [CampaignPreview.Count]
    var renderFailures: Int
    var renderFailureReasons: [CampaignPreview.Count]
    /// On the suppression list: not sent.
    var optedOut: Int
    /// At an address another recipient of the occurrence already gets the message at: not sent.
    var duplicateAddresses: Int
    /// Messages rendered and addressed.
    var ready: Int
    var limit: Int?
    /// Messages handed to the gateway (ready, cut to --limit).
    var messages: Int
    var byChannel: [String: Int]
    /// SMS parts of those messages.
    var parts: Int
    /// Per segment: recipients, messages ready, unreachable and render failures with reasons.
    var segments: [CampaignMessageSet.SegmentCount]
    var result: Result?

    init(_ set: CampaignMessageSet, definition: CampaignDefinition, population: Int, gateway: String, optedOut: Int, today: Day,
         toSend: [OutboundMessage], parts: Int, limit: Int?, dryRun: Bool) {
        self.optedOut = optedOut
        duplicateAddresses = set.duplicateAddresses
        campaign = definition.name
        title = definition.title
        occurrence = set.occurrence
        self.gateway = gateway
        self.today = today.iso
        self.dryRun = dryRun
        self.population = population
        excluded = set.excluded
        targeted = set.targeted
        unreachable = set.unreachable
        renderFailures = set.renderFailures
        unreachableReasons = Self.merge(set.segments.flatMap(\.unreachable))
        renderFailureReasons = Self.merge(set.segments.flatMap(\.renderFailures))
        ready = set.messages.count
        self.limit = limit
        messages = toSend.count
        var channels: [String: Int] = [:]
        for m in toSend { channels[m.channel.rawValue, default: 0] += 1 }
        byChannel = channels
        self.parts = parts
        segments = set.segments
    }

    /// The same reason from several segments counted once.
    static func merge(_ counts: [CampaignPreview.Count]) -> [CampaignPreview.Count] {
        var order: [String] = []
        var merged: [String: CampaignPreview.Count] = [:]
        for c in counts {
            if var m = merged[c.reason] {
                m.count += c.count
                m.examples = Array((m.examples + c.examples).prefix(3))
                merged[c.reason] = m
            } else {
                order.append(c.reason)
                merged[c.reason] = c
            }
        }
        return order.map { merged[$0]! }.sorted { $0.count > $1.count }
    }

    var text: String {
        var out: [String] = []
        out.append("Campaign \(campaign) — \(title)")
        out.append("Occurrence \(occurrence) (evaluated on \(today)), gateway \(gateway)")
        out.append("Targeted \(grouped(targeted)) of \(grouped(population))\(excluded > 0 ? ", \(grouped(excluded)) excluded" : "")")
        out.append("  unreachable \(grouped(unreachable))")
        for u in unreachableReasons { out.append("    \(grouped(u.count)) — \(u.reason)  e.g. \(u.examples.joined(separator: ", "))") }
        out.append("  render failures \(grouped(renderFailures))")
        for f in renderFailureReasons { out.append("    \(grouped(f.count)) — \(f.reason)  e.g. \(f.examples.joined(separator: ", "))") }
        if optedOut > 0 { out.append("  opted out \(grouped(optedOut)) (on the suppression list; not sent)") }
        if duplicateAddresses > 0 {
            out.append("  duplicate addresses \(grouped(duplicateAddresses)) (another recipient gets the message at the same address; not sent)")
        }
        let channels = byChannel.sorted { $0.key < $1.key }.map { "\($0.key) \(grouped($0.value))" }.joined(separator: ", ")
        var line = "Messages \(grouped(messages))"
        if !channels.isEmpty { line += " (\(channels))" }
        if byChannel["sms"] != nil { line += ", \(grouped(parts)) SMS parts" }
        if let limit, limit < ready { line += "  — limited to \(grouped(messages)) of \(grouped(ready)) by --limit" }
        out.append(line)
        guard let r = result else {
            if dryRun { out.append("Dry run: nothing sent.") }
            return out.joined(separator: "\n")
        }
        out.append("Sent in \(String(format: "%.2f", r.elapsedSeconds)) s (\(String(format: "%.1f", r.messagesPerSecond)) messages/s, \(grouped(r.attempts)) attempts)")
        out.append("  accepted \(grouped(r.accepted))\(byChannel["sms"] != nil ? " (\(grouped(r.partsAccepted)) SMS parts)" : "")")
        out.append("  rejected \(grouped(r.rejected))")
        for x in r.rejectedByReason { out.append("    \(grouped(x.count)) — \(x.reason)  e.g. \(x.examples.joined(separator: ", "))") }
        out.append("  failed \(grouped(r.failed))")
        for x in r.failedByReason { out.append("    \(grouped(x.count)) — \(x.reason)  e.g. \(x.examples.joined(separator: ", "))") }
        if r.unfinished > 0 { out.append("  unfinished \(grouped(r.unfinished)) (interrupted)") }
        if r.breakerOpenings > 0 { out.append("  circuit breaker opened \(r.breakerOpenings) time\(r.breakerOpenings == 1 ? "" : "s")") }
        return out.joined(separator: "\n")
    }
}
