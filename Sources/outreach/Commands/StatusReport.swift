import ArgumentParser
import Foundation
import OutreachApp
import OutreachCore
import OutreachProject
import OutreachStore

/// `outreach status [NAME]`: each campaign's state and where its messages stand.
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show campaigns' states and where their messages stand.")

    @OptionGroup var options: ProjectOptions
    @Argument(help: "Campaign name (all campaigns when omitted).") var campaign: String?
    @Option(name: .long, help: "Ledger file.") var ledger: String?
    @Flag(name: .long, help: "Print as JSON.") var json = false

    struct Row: Encodable {
        var campaign: String
        var state: String
        var launchedAt: Date?
        var targeted: Int
        var queued: Int
        var sending: Int
        var accepted: Int
        var delivered: Int
        var failed: Int
        var uncertain: Int
        var skipped: Int
        /// Queued entries quiet hours hold now, and when the first of them may leave.
        var heldByQuietHours: Int
        var resumesAt: Date?
        /// The launched version it runs (nil for a draft, or one launched before versions were kept).
        var version: Int?
        /// "missing" or "errors" when its file on disk is gone or does not load.
        var file: String?
    }

    func run() async throws {
        try await reportingErrors {
            // Launched campaigns are listed from the ledger, whatever became of their files.
            let disk = try LaunchWorkspace(options)
            let workspace = disk.workspace
            let store = try workspace.openLedger(ledger)
            let statuses = Dictionary(uniqueKeysWithValues: try await store.campaigns().map { ($0.campaign, $0) })
            let versions = try await store.latestVersions()
            let known = Set(workspace.project.campaigns.map(\.name)).union(statuses.keys)
            let names = try campaign.map { name throws(OutreachError) in
                if statuses[name] == nil, let problem = disk.campaignProblem(name) { throw problem }
                return statuses[name] != nil ? [name] : [try workspace.campaignDefinition(name).name]
            } ?? known.sorted()
            for line in disk.warningLines() { printError(line) }
            var rows: [Row] = []
            for name in names {
                let status = statuses[name]
                let report = CampaignReport(campaign: name, state: status?.state ?? .draft, launchedAt: status?.launchedAt,
                                            counts: try await store.counts(campaign: name), activity: CampaignActivity())
                let t = report.total
                let held = t.queued > 0 ? try await store.heldByQuietHours(campaign: name, at: Date()) : (count: 0, resumesAt: nil)
                rows.append(Row(campaign: name, state: report.state.rawValue, launchedAt: status?.launchedAt, targeted: t.targeted,
                                queued: t.queued, sending: t.sending, accepted: t.accepted, delivered: t.delivered,
                                failed: t.failed, uncertain: t.uncertain, skipped: t.skippedTotal,
                                heldByQuietHours: held.count, resumesAt: held.resumesAt,
                                version: versions[name]?.number, file: disk.fileNote(name)))
            }
            let zone = TimeZone(identifier: workspace.project.configuration.timeZone) ?? .current
            if json { try printJSON(rows, zone: zone); return }
            print("\(padded("campaign", 22)) \(padded("state", 10)) \(padded("launched", 17)) \(padded("targeted", 9)) \(padded("queued", 8)) \(padded("sending", 8)) \(padded("accepted", 9)) \(padded("delivered", 10)) \(padded("failed", 7)) \(padded("uncertain", 10)) \(padded("skipped", 8)) version")
            for r in rows {
                let launched = r.launchedAt.map { LocalDateTime($0, in: zone).description } ?? "—"
                print("\(padded(r.campaign, 22)) \(padded(r.state, 10)) \(padded(launched, 17)) \(padded(grouped(r.targeted), 9)) \(padded(grouped(r.queued), 8)) \(padded(grouped(r.sending), 8)) \(padded(grouped(r.accepted), 9)) \(padded(grouped(r.delivered), 10)) \(padded(grouped(r.failed), 7)) \(padded(grouped(r.uncertain), 10)) \(padded(grouped(r.skipped), 8)) \(r.version.map { "v\($0)" } ?? "—")")
            }
            for r in rows {
                if let note = ReportText.fileNote(r.file, version: r.version) { print("\(r.campaign): \(note)") }
            }
            for r in rows where r.heldByQuietHours > 0 {
                let resumes = r.resumesAt.map { " until \(LocalDateTime($0, in: zone)) \(zone.identifier)" } ?? ""
                print("\(r.campaign): \(grouped(r.heldByQuietHours)) queued wait for quiet hours to end\(resumes)")
            }
        }
    }
}

/// `outreach report NAME [--json|--csv]`.
struct Report: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Report a campaign per occurrence and segment: targeted, skipped by reason, sent, accepted, delivered, failed, uncertain, parts, timing.")

    @OptionGroup var options: ProjectOptions
    @Argument(help: "Campaign name.") var campaign: String
    @Option(name: .long, help: "Ledger file.") var ledger: String?
    @Flag(name: .long, help: "Print as JSON.") var json = false
    @Flag(name: .long, help: "Print as CSV (one line per occurrence and segment, then the total).") var csv = false
    @Flag(name: .long, help: "Report what the campaign changed: outcome rates of the messaged and the holdout, uplift with 95% CIs, per segment and variant (after `outreach outcome import`).")
    var outcomes = false
    @Option(name: .long, help: "With --outcomes: the outcome field (default: the one imported for the campaign).") var field: String?

    func validate() throws {
        if json && csv { throw ValidationError("choose one of --json and --csv") }
    }

    func run() async throws {
        try await reportingErrors {
            let disk = try LaunchWorkspace(options)
            let workspace = disk.workspace
            let store = try workspace.openLedger(ledger)
            // A launched campaign is reported from its version, whatever became of its file.
            let version = try await store.latestVersion(campaign: campaign)
            if version == nil, let problem = disk.campaignProblem(campaign) { throw problem }
            let definition = try version.flatMap { try? disk.launched($0).campaign } ?? workspace.campaignDefinition(campaign)
            if outcomes {
                let zone = TimeZone(identifier: workspace.project.configuration.timeZone) ?? .current
                let result = try await OutcomeReportText.build(definition, store: store, field: field, zone: zone)
                if json { try printJSON(result, zone: zone); return }
                if csv { print(OutcomeReportText.csv(result)); return }
                print(OutcomeReportText.text(result, title: definition.title))
                return
            }
            // The same figures the JSON API serves (`SQLiteLedger.report`).
            let report = try await store.report(campaign: definition.name)
            if json {
                try printJSON(report, zone: TimeZone(identifier: workspace.project.configuration.timeZone) ?? .current)
                return
            }
            if csv { print(ReportText.csv(report)); return }
            var text = ReportText.text(report, title: definition.title, zone: workspace.project.configuration.timeZone)
            if let version {
                // After the State line: which version runs, and what became of the file.
                var lines = text.components(separatedBy: "\n")
                var line = "Version: \(version.number) (\(version.kind.rawValue) \(LocalDateTime(version.storedAt, in: TimeZone(identifier: workspace.project.configuration.timeZone) ?? .current)))"
                if version.generation > 1 { line += ", generation \(version.generation)" }
                if let note = ReportText.fileNote(disk.fileNote(definition.name), version: version.number) { line += "; " + note }
                lines.insert(line, at: min(2, lines.count))
                text = lines.joined(separator: "\n")
            }
            print(text)
        }
    }
}

enum ReportText {
    /// What status and report say of a campaign whose file is gone or broken.
    static func fileNote(_ file: String?, version: Int?) -> String? {
        guard let file else { return nil }
        let running = version.map { "; running the launched version \($0)" } ?? ""
        return (file == "missing" ? "file missing" : "file has errors") + running
    }

    static let columns = ["targeted", "queued", "sending", "accepted", "delivered", "failed", "expired", "uncertain"]

    static func values(_ l: CampaignReport.Line) -> [Int] {
        [l.targeted, l.queued, l.sending, l.accepted, l.delivered, l.failed, l.expired, l.uncertain]
    }

    static func csv(_ report: CampaignReport) -> String {
        let reasons = report.skipReasons
        var lines = [(["occurrence", "segment"] + columns + reasons.map { "skipped_\($0)" }
                      + ["parts", "emails", "in_doubt", "in_doubt_resent", "possible_duplicates"]).joined(separator: ",")]
        for l in report.lines + [report.total] {
            let cells = [field(l.occurrence), field(l.segment)] + values(l).map(String.init)
                + reasons.map { String(l.skipped[$0] ?? 0) } + [String(l.parts), String(l.emails)]
                + [l.inDoubt.total, l.inDoubt.resent, l.inDoubt.possibleDuplicates].map(String.init)
            lines.append(cells.joined(separator: ","))
        }
        return lines.joined(separator: "\n")
    }

    private static func field(_ s: String) -> String { CSVCell.escaped(s) }

    static func text(_ report: CampaignReport, title: String, zone: String) -> String {
        let tz = TimeZone(identifier: zone) ?? .current
        var out = ["Report for \(report.campaign) — \(title)", "State: \(report.state.rawValue)"
                   + (report.launchedAt.map { ", launched \(LocalDateTime($0, in: tz)) \(zone)" } ?? "")]
        out.append("")
        // The cost column: SMS parts, emails, or both when the campaign used both channels.
        let smsUsed = report.total.parts > 0 || report.total.emails == 0
        let emailUsed = report.total.emails > 0
        let costHeader = smsUsed && emailUsed ? " parts      emails" : smsUsed ? " parts" : " emails"
        out.append("\(padded("occurrence", 12)) \(padded("segment", 22)) " + columns.map { padded($0, 10) }.joined(separator: " ")
                   + " skipped   " + costHeader)
        for l in report.lines + [report.total] {
            let cost = (smsUsed ? " " + padded(grouped(l.parts), 10) : "") + (emailUsed ? " " + grouped(l.emails) : "")
            out.append("\(padded(l.occurrence, 12)) \(padded(l.segment, 22)) " + values(l).map { padded(grouped($0), 10) }.joined(separator: " ")
                       + " \(padded(grouped(l.skippedTotal), 10))" + cost)
        }
        if !report.total.skipped.isEmpty {
            out.append("")
            out.append("Skipped: " + report.skipReasons.map { reason in
                "\(SkipReason(rawValue: reason)?.label ?? reason) \(grouped(report.total.skipped[reason]!))"
            }.joined(separator: "; "))
        }
        if !report.variants.isEmpty {
            out.append("")
            let width = max(22, report.variants.map(\.variant.count).max() ?? 0)
            out.append("\(padded("segment", 22)) \(padded("variant", width)) \(padded("targeted", 10)) \(padded("sent", 10)) \(padded("delivered", 10)) held out")
            for v in report.variants {
                out.append("\(padded(v.segment, 22)) \(padded(v.variant, width)) \(padded(grouped(v.counts.targeted), 10)) "
                           + "\(padded(grouped(v.sent), 10)) \(padded(grouped(v.counts.delivered), 10)) \(grouped(v.heldOut))")
            }
        }
        if report.heldOut > 0 {
            out.append("Holdout: \(grouped(report.heldOut)) people not messaged (the control group)")
        }
        let doubt = report.total.inDoubt
        if doubt.total > 0 {
            var parts = ["resent \(grouped(doubt.resent))", "skipped \(grouped(doubt.skipped))"]
            if doubt.pending > 0 { parts.append("not yet settled \(grouped(doubt.pending))") }
            out.append("In doubt after a crash: \(grouped(doubt.total)) (" + parts.joined(separator: ", ") + ")")
            out.append("Possible duplicates: \(grouped(doubt.possibleDuplicates))"
                       + (doubt.possibleDuplicates > 0 ? " (resent after a crash; the first attempt may also have arrived)" : ""))
        }
        let a = report.activity
        if !a.failureReasons.isEmpty {
            out.append("Failed: " + a.failureReasons.map { "\($0.reason) (\(grouped($0.count)))" }.joined(separator: "; "))
        }
        out.append("")
        if let first = a.firstSent, let last = a.lastSent {
            out.append("Sent \(grouped(a.sent)) from \(LocalDateTime(first, in: tz)) to \(LocalDateTime(last, in: tz)) \(zone)"
                       + (a.achievedRate.map { String(format: ", %.0f messages/s while sending", $0) } ?? ""))
        } else {
            out.append("Nothing sent yet.")
        }
        var cost: [String] = []
        if smsUsed { cost.append("SMS parts used: \(grouped(report.total.parts))") }
        if emailUsed { cost.append("emails sent: \(grouped(report.total.emails))") }
        out.append((cost + ["opt-outs since launch: \(grouped(a.optOutsSinceLaunch))"]).joined(separator: "; "))
        let r = report.replies
        if r.replies > 0 || r.unsubscribes > 0 {
            var line = "Replies: \(grouped(r.replies)), opt-outs by reply: \(grouped(r.optOuts))"
            if r.optIns > 0 { line += ", opted back in by reply: \(grouped(r.optIns))" }
            if r.unsubscribes > 0 { line += "; unsubscribed by email link: \(grouped(r.unsubscribes))" }
            out.append(line)
            if report.repliesBySegment.count > 1 || report.repliesBySegment.keys.first.map({ $0 != "—" }) == true {
                out.append("Replies by segment: " + report.repliesBySegment.sorted { $0.key < $1.key }.map { segment, counts in
                    var text = "\(segment) \(grouped(counts.replies))"
                    var parts: [String] = []
                    if counts.optOuts > 0 { parts.append("opt-outs \(grouped(counts.optOuts))") }
                    if counts.optIns > 0 { parts.append("back in \(grouped(counts.optIns))") }
                    if counts.unsubscribes > 0 { parts.append("email unsubscribes \(grouped(counts.unsubscribes))") }
                    if !parts.isEmpty { text += " (" + parts.joined(separator: ", ") + ")" }
                    return text
                }.joined(separator: "; "))
            }
        }
        if report.testSends > 0 { out.append("Test sends: \(grouped(report.testSends)) (send --test, to staff; in no figure above)") }
        return out.joined(separator: "\n")
    }
}
