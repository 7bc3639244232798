import ArgumentParser
import Foundation
import OutreachCore
import OutreachProject

/// `outreach plan CAMPAIGN`: the campaign's upcoming sends in local time,
/// with how many people each reaches and why any were moved.
struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List a campaign's upcoming sends: local and UTC times, recipients, and why sends were moved.")

    @OptionGroup var options: ProjectOptions

    @Argument(help: "Campaign name.")
    var campaign: String

    @Option(name: .long, help: "First day to list, YYYY-MM-DD (default: the evaluation day).")
    var from: String?

    @Option(name: .long, help: "Last day to list, YYYY-MM-DD (default: 90 days after --from).")
    var until: String?

    @Flag(name: .long, help: "Print the plan as JSON.")
    var json = false

    func run() throws {
        try reportingErrors {
            let workspace = try options.load()
            let definition = try workspace.campaignDefinition(campaign)
            let first = try day(from, option: "--from") ?? workspace.today
            let last = try day(until, option: "--until") ?? first.adding(days: 90)
            guard first <= last else { throw OutreachError(.invalidValue, "--until is before --from") }
            let (population, _) = try workspace.population()
            let segmentation = try CampaignSegmentation(definition, catalog: try workspace.catalog(), population: population,
                                                        today: workspace.today)
            // With --today the plan is computed as of that day's start in the campaign's zone; otherwise as of now.
            let zone = TimeZone(identifier: definition.schedule?.timeZone ?? workspace.project.configuration.timeZone) ?? .current
            let now = options.today == nil ? Date() : LocalDateTime(day: workspace.today, time: LocalTime(hour: 0, minute: 0)!).instant(in: zone)
            let plan = CampaignPlanner.plan(definition, segmentation: segmentation, population: population,
                                            now: now, from: first, until: last)
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

enum PlanText {
    static func render(_ plan: CampaignPlan, definition: CampaignDefinition) -> String {
        var out: [String] = []
        out.append("Plan for \(plan.campaign) — \(definition.title)")
        guard let schedule = definition.schedule else {
            out.append("No schedule: this campaign is sent by hand. \(grouped(plan.recipients)) recipients today.")
            return out.joined(separator: "\n")
        }
        if let r = schedule.relative {
            out.append("Relative to each person's \(r.field): \(r.offsets.map(\.description).joined(separator: ", ")) at \(r.at) (\(schedule.timeZone))"
                       + (r.lateWithinDays.map { ", late sends within \($0)d" } ?? ", passed sends skipped"))
        } else if let start = schedule.start {
            var line = "From \(start) \(schedule.timeZone)"
            if let rep = schedule.repetition {
                line += ", every \(rep.every)"
                if let t = rep.times { line += ", \(t) times" }
                if let u = rep.until { line += ", until \(u.iso)" }
            }
            out.append(line)
        }
        var rules: [String] = []
        if let q = schedule.quietHours { rules.append(schedule.urgent ? "urgent: quiet hours \(q) ignored" : "quiet hours \(q)") }
        if let w = schedule.window { rules.append("sending window \(w)") }
        if !schedule.skipDays.isEmpty { rules.append("skips \(schedule.skipDays.sorted { $0.rawValue < $1.rawValue }.map(\.description).joined(separator: ", "))") }
        if !schedule.skipDates.isEmpty { rules.append("\(schedule.skipDates.count) skipped date(s)") }
        if !rules.isEmpty { out.append(rules.joined(separator: "; ")) }
        out.append("Recipients today: \(grouped(plan.recipients))"
                   + (plan.kind == "relative" ? "; without \(schedule.relative!.field): \(grouped(plan.withoutDate)); sends already past: \(grouped(plan.passed))" : ""))
        out.append("Sends from \(plan.from.iso) to \(plan.until.iso):")
        if plan.sends.isEmpty { out.append("  none") }
        for s in plan.sends {
            var line = "  \(s.local) \(s.timeZone)  (\(s.utc))  \(padded(s.label, 5)) \(padded(grouped(s.recipients), 10))"
            if !s.moved.isEmpty {
                line += " moved: " + s.moved.sorted { $0.key < $1.key }.map { "\($0.key) (\(grouped($0.value)))" }.joined(separator: "; ")
            }
            out.append(line)
        }
        let total = plan.sends.reduce(0) { $0 + $1.recipients }
        out.append("Total: \(grouped(total)) message(s) in \(plan.sends.count) send time(s)")
        return out.joined(separator: "\n")
    }
}
