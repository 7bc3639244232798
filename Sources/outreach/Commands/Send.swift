import ArgumentParser
import Foundation
import Logging
import OutreachCore
import OutreachDispatch
import OutreachProject
import OutreachStore
import Synchronization

/// `outreach send CAMPAIGN --now`: records one occurrence of the campaign in
/// the project ledger and sends it through the scheduler's claim (quiet
/// hours, frequency caps, opt-outs, throttle; a second `--now` of the same
/// occurrence sends nothing new), with a live progress line and a final
/// summary. `--dry-run` renders and counts without sending or recording.
struct Send: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send one occurrence of a campaign now through its gateway (or --dry-run: render and count only).",
        discussion: """
            --now records the occurrence (--occurrence KEY, default now@DAY: one per evaluation day) in the ledger \
            and sends it as the scheduler sends: quiet hours hold it (the summary says until when; send --now \
            again then, or outreach run for a launched campaign), the frequency cap and opt-outs skip people, \
            the campaign's throttle applies, and people already sent this occurrence are not sent it again. \
            A draft, launched or completed campaign can be sent; a paused or cancelled one cannot.

            Exit status: 0 when every message was accepted or rejected by the gateway (or waits for quiet \
            hours), 2 when some failed after their retries, 1 on a project or gateway error or a paused or \
            cancelled campaign (nothing sent), 130 when interrupted (Ctrl-C: attempts in flight finish, \
            nothing new leaves, what never left stays queued for the next send --now).
            """)

    @OptionGroup var options: ProjectOptions
    @OptionGroup var clock: ClockOptions

    @Argument(help: "Campaign name (file name in campaigns/ without .yaml).")
    var campaign: String

    @Flag(name: .long, help: "Send now (scheduled sends are the scheduler's; see outreach plan).")
    var now = false

    @Option(name: .long, help: "Send at most this many messages (the first ones, in segment order); the rest stay queued for the next send --now.")
    var limit: Int?

    @Flag(name: .long, help: "Send a test: the campaign rendered for sample members of each segment, sent only to the --to staff addresses (any campaign state; quiet hours and frequency caps do not apply; recorded as a test, left out of report figures).")
    var test = false

    @Option(name: .long, help: "With --test: a staff phone number or email address to send the test to (repeat for several).")
    var to: [String] = []

    @Option(name: .long, help: "With --test: sample members per segment (default 1).")
    var samples = 1

    @Flag(name: .long, help: "Render and count without sending.")
    var dryRun = false

    @Flag(name: .long, help: "Print the summary as JSON on standard output.")
    var json = false

    @Option(name: .long, help: "Ledger file, instead of the project's.")
    var ledger: String?

    @Option(name: .long, help: "Occurrence key in the ledger (default: now@YYYY-MM-DD, the evaluation day): the same key is never sent twice.")
    var occurrence: String?

    func validate() throws {
        if test {
            if now || dryRun { throw ValidationError("--test sends to staff only: give it without --now or --dry-run") }
            if to.isEmpty { throw ValidationError("--test needs --to ADDRESS (a staff phone number or email address)") }
            if samples < 1 { throw ValidationError("--samples must be 1 or more") }
            if occurrence != nil || limit != nil { throw ValidationError("--occurrence and --limit are for --now") }
        } else {
            if !to.isEmpty { throw ValidationError("--to is for --test (a send --now goes to the campaign's audience)") }
            if !now && !dryRun {
                throw ValidationError("give --now to send now (or --dry-run to render and count only, or --test --to ADDRESS)")
            }
        }
        if let limit, limit < 0 { throw ValidationError("--limit must be 0 or more") }
        if let occurrence, occurrence.isEmpty || occurrence.contains("/") {
            throw ValidationError("--occurrence must be non-empty and without '/'")
        }
    }

    func run() async throws {
        let failed = try await reportingErrors { () async throws -> Bool in
            let (workspace, clock) = try sendNowWorkspace()
            if test { return try await sendTest(workspace, clock: clock) }
            if !dryRun { return try await sendNow(workspace, clock: clock) }
            let project = workspace.project
            let definition = try workspace.campaignDefinition(campaign)
            let channelGateways = try Self.channelGateways(definition)
            let gatewayNames = Array(Set(channelGateways.values)).sorted()
            // A dry run renders and counts as the send would compose, without recording or sending anything.
            let (population, _) = try workspace.population()
            var builder = CampaignMessages(catalog: try workspace.catalog(), templates: try workspace.channelTemplates(for: definition),
                                           contactFields: workspace.contactFields, today: workspace.today,
                                           occurrence: Self.occurrenceKey(occurrence, today: workspace.today))
            // Readable ids (nothing leaves); the suppression list holds, decided where preview decides it.
            let ledgerPath = ledger ?? project.configuration.ledgerFile(root: project.root)
            builder.suppression = try await workspace.suppression(store: nil, path: ledgerPath)
            builder.variantTemplates = try workspace.variantTemplates(for: definition)
            if definition.hasExperiment { builder.assignmentKey = try workspace.assignmentKey(path: ledgerPath) }
            let set = try builder.build(definition, population: population)
            var messages = set.messages
            if let limit, messages.count > limit { messages = Array(messages.prefix(limit)) }
            let parts = messages.reduce(0) { $0 + ($1.channel == .sms ? SMSText.info($1.text).parts : 0) }
            let report = SendReport(set, definition: definition, population: population.count, gateway: gatewayNames.joined(separator: ", "),
                                    optedOut: set.optedOut, today: workspace.today, toSend: messages, parts: parts,
                                    limit: limit, dryRun: true)
            output(report)
            return false
        }
        if failed { throw ExitCode(2) }
    }

    func output(_ report: SendReport) {
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
    /// `send --now`: what the ledger holds for the occurrence after the send.
    var ledger: Send.LedgerFigures?
    /// Whether the campaign is launched (`outreach run` then sends what waits).
    var launched = false

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
        // With the ledger, what never left is counted once: under "still queued".
        if r.unfinished > 0 && ledger == nil { out.append("  unfinished \(grouped(r.unfinished)) (interrupted)") }
        if r.breakerOpenings > 0 { out.append("  circuit breaker opened \(r.breakerOpenings) time\(r.breakerOpenings == 1 ? "" : "s")") }
        if let l = ledger {
            for (reason, n) in l.skippedAtSend.sorted(by: { $0.key < $1.key }) { out.append("  skipped: \(reason) \(grouped(n))") }
            if l.alreadySent > 0 {
                out.append("  already sent: \(grouped(l.alreadySent)) (by an earlier send of occurrence \(occurrence); not sent again)")
            }
            let again = "outreach send \(campaign) --now --occurrence \(occurrence)"
            if l.waitingForQuietHours > 0 {
                out.append("  waiting for quiet hours: \(grouped(l.waitingForQuietHours))\(l.quietHoursEnd.map { " until \($0)" } ?? "")"
                           + " — run `\(again)` again then\(launched ? ", or keep `outreach run` going," : "") to send them")
            }
            if l.queued > 0 {
                let why = r.unfinished > 0 ? " (\(grouped(r.unfinished)) interrupted)" : ""
                out.append("  still queued: \(grouped(l.queued))\(why) — run `\(again)` again to send them")
            }
            if l.inDoubt > 0 { out.append("  in flight or in doubt: \(grouped(l.inDoubt))") }
        }
        return out.joined(separator: "\n")
    }
}
