import ArgumentParser
import Foundation
import OutreachApp
import OutreachCore
import OutreachProject

/// `outreach plan CAMPAIGN`: the campaign's sends in local time, with how
/// many messages each carries, who is left out and why, why any were moved,
/// and which had already passed at the launch — as the scheduler will send
/// them (the same composition and the same passed-send rule).
struct Plan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List a campaign's sends: local and UTC times, messages, who is left out, why sends were moved, passed sends.")

    @OptionGroup var options: ProjectOptions
    @OptionGroup var clock: ClockOptions

    @Argument(help: "Campaign name.")
    var campaign: String

    @Option(name: .long, help: "First day to list, YYYY-MM-DD (default: the evaluation day).")
    var from: String?

    @Option(name: .long, help: "Last day to list, YYYY-MM-DD (default: 90 days after --from).")
    var until: String?

    @Option(name: .long, help: "Ledger file holding the suppression list and launches, instead of the project's.")
    var ledger: String?

    @Flag(name: .long, help: "Print the plan as JSON.")
    var json = false

    func run() async throws {
        try await reportingErrors {
            var workspace = try options.load()
            let definition = try workspace.campaignDefinition(campaign)
            let zone = TimeZone(identifier: definition.schedule?.timeZone ?? workspace.project.configuration.timeZone) ?? .current
            // The launch the plan is for: the campaign's own once launched; else a launch now (--at), or at the
            // start of --today's day in the campaign's zone.
            let now: Date
            if clock.at != nil || options.today == nil {
                now = try clock.clock().now()
                if options.today == nil, clock.at != nil {
                    let projectZone = TimeZone(identifier: workspace.project.configuration.timeZone) ?? zone
                    workspace = Workspace(project: workspace.project, today: LocalDateTime(now, in: projectZone).day)
                }
            } else {
                now = LocalDateTime(day: workspace.today, time: LocalTime(hour: 0, minute: 0)!).instant(in: zone)
            }
            let launchedAt = try await workspace.launchedAt(definition.name, ledger: ledger) ?? now
            let first = try day(from, option: "--from") ?? workspace.today
            let last = try day(until, option: "--until") ?? first.adding(days: 90)
            guard first <= last else { throw OutreachError(.invalidValue, "--until is before --from") }
            let (population, _) = try workspace.population()
            let segmentation = try CampaignSegmentation(definition, catalog: try workspace.catalog(), population: population,
                                                        today: workspace.today)
            var templates: [String: CompiledTemplate] = [:]
            for name in definition.templateNames { templates[name] = try workspace.template(name, for: definition) }
            let previewer = try await workspace.previewer(for: definition, templates: templates, ledger: ledger)
            let plan = CampaignPlanner.plan(definition, segmentation: segmentation, population: population,
                                            composer: previewer.composer(for: definition), launchedAt: launchedAt,
                                            from: first, until: last)
            if json { try printJSON(plan); return }
            print(PlanText.render(plan, definition: definition))
        }
    }

    private func day(_ text: String?, option: String) throws(OutreachError) -> Day? {
        guard let text else { return nil }
        guard let d = Day(iso: text) else { throw OutreachError(.invalidValue, "\(option) '\(text)' is not a date", hint: "write YYYY-MM-DD") }
        return d
    }
}

extension Workspace {
    /// When `campaign` was launched, from the ledger (`path`, or the project's) — nil for a draft, or when the
    /// project has no ledger yet (nothing is created to read it).
    func launchedAt(_ campaign: String, ledger path: String?) async throws -> Date? {
        let location = try storeLocation(path)
        if let file = location.sqlitePath, !FileManager.default.fileExists(atPath: file) { return nil }
        guard let status = try await location.openSQLite().campaigns().first(where: { $0.campaign == campaign }),
              status.state != .draft else { return nil }
        return status.launchedAt
    }
}

enum PlanText {
    static func render(_ plan: CampaignPlan, definition: CampaignDefinition) -> String {
        var out: [String] = []
        out.append("Plan for \(plan.campaign) — \(definition.title)")
        guard let schedule = definition.schedule else {
            out.append("No schedule: sent once, when `outreach run` picks it up after the launch. \(grouped(plan.recipients)) recipients today,"
                       + " \(grouped(plan.messages)) message(s).")
            if let notReached = notReached(plan.leftOut) { out.append("Not reached: " + notReached) }
            if let held = holdout(plan) { out.append(held) }
        if let phase = definition.testPhase { out.append(phase.summary.prefix(1).uppercased() + phase.summary.dropFirst()) }
            return out.joined(separator: "\n")
        }
        if let r = schedule.relative {
            out.append("Relative to each person's \(r.field): \(r.offsets.map(\.description).joined(separator: ", ")) at \(r.at) (\(schedule.timeZone))"
                       + (schedule.lateWithin.map { ", passed sends within \($0) of the launch go at the launch" } ?? ", passed sends not sent"))
        } else if let start = schedule.start {
            var line = "From \(start) \(schedule.timeZone)"
            if let rep = schedule.repetition {
                line += ", every \(rep.every)"
                if let t = rep.times { line += ", \(t) times" }
                if let u = rep.until { line += ", until \(u.iso)" }
            }
            if let late = schedule.lateWithin { line += "; passed sends within \(late) of the launch go at the launch" }
            out.append(line)
        }
        var rules: [String] = []
        if let q = schedule.quietHours { rules.append(schedule.urgent ? "urgent: quiet hours \(q) ignored" : "quiet hours \(q)") }
        if let w = schedule.window { rules.append("sending window \(w)") }
        if !schedule.skipDays.isEmpty { rules.append("skips \(schedule.skipDays.sorted { $0.rawValue < $1.rawValue }.map(\.description).joined(separator: ", "))") }
        if !schedule.skipDates.isEmpty { rules.append("\(schedule.skipDates.count) skipped date(s)") }
        if !rules.isEmpty { out.append(rules.joined(separator: "; ")) }
        var people = "Recipients today: \(grouped(plan.recipients))"
        if plan.kind == "relative" {
            people += "; without \(schedule.relative!.field): \(grouped(plan.withoutDate)); sends already past at launch: \(grouped(plan.passed))"
            if plan.passed > 0 { people += " (\(passedSplit(plan)))" }
        }
        out.append(people)
        out.append("Sends from \(plan.from.iso) to \(plan.until.iso), for a launch at \(plan.launch):")
        if plan.sends.isEmpty { out.append("  none") }
        for s in plan.sends {
            var line = "  \(s.local) \(s.timeZone)  (\(s.utc))  \(padded(s.label, 5)) \(padded(grouped(s.recipients), 10))"
            if let note = s.note { line += " " + note }
            if let notReached = notReached(s.leftOut) { line += " not reached: " + notReached }
            if !s.moved.isEmpty {
                line += " moved: " + s.moved.sorted { $0.key < $1.key }.map { "\($0.key) (\(grouped($0.value)))" }.joined(separator: "; ")
            }
            out.append(line)
        }
        let happening = plan.sends.filter { $0.timing != .passed }.count
        out.append("Total: \(grouped(plan.messages)) message(s) in \(happening) send time(s)")
        if let notReached = notReached(plan.leftOut) { out.append("Not reached: " + notReached) }
        if let held = holdout(plan) { out.append(held) }
        if let phase = definition.testPhase { out.append(phase.summary.prefix(1).uppercased() + phase.summary.dropFirst()) }
        return out.joined(separator: "\n")
    }

    /// "Holdout: 512 people not messaged (the control group)", or nil without a holdout.
    static func holdout(_ plan: CampaignPlan) -> String? {
        plan.heldOut > 0 ? "Holdout: \(grouped(plan.heldOut)) people not messaged (the control group)" : nil
    }

    /// "1 sent at launch (within late_within 2d), 2 not sent", or "not sent: no late_within".
    static func passedSplit(_ plan: CampaignPlan) -> String {
        guard let late = plan.lateWithin else { return "not sent: no late_within" }
        return "\(grouped(plan.passedSentLate)) sent at launch (within late_within \(late)), \(grouped(plan.passedNotSent)) not sent"
    }

    /// "2 opted out, 1 no usable address", by how many, or nil when nobody is left out.
    static func notReached(_ leftOut: [String: Int]) -> String? {
        // The held-out are left out on purpose: `holdout(_:)` says so on a line of its own.
        let parts = leftOut.filter { $0.value > 0 && $0.key != SkipReason.holdout.rawValue }.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
            .map { "\(grouped($0.value)) \(SkipReason(rawValue: $0.key)?.label ?? $0.key)" }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }
}
