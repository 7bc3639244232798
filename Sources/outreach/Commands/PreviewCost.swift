import Foundation
import OutreachApp
import OutreachCore
import OutreachProject

/// What `outreach preview CAMPAIGN --cost` reports: per segment the SMS parts its messages take and where a
/// small cut pays (`SMSCost`), and the parts the campaign will use over all its sends (`CampaignPlan`).
struct PreviewCost: Encodable {
    struct Segment: Encodable {
        var name: String
        var template: String
        var messages: Int
        var cost: SMSCost
    }

    struct Sends: Encodable {
        var from: Day
        var until: Day
        /// The schedule repeats with no end: the figures cover `from…until` only.
        var openEnded: Bool
        var sends: Int
        var messages: Int
        var parts: Int
    }

    var campaign: String
    var segments: [Segment]
    /// Parts of one send to everyone the preview reaches today.
    var partsPerSend: Int
    var plan: Sends

    /// The plan of a launch at the start of the evaluation day, over the schedule's end or a year.
    static func build(_ preview: CampaignPreview, definition: CampaignDefinition, workspace: Workspace,
                      population: Population, previewer: CampaignPreviewer) throws(OutreachError) -> PreviewCost {
        let zone = TimeZone(identifier: definition.schedule?.timeZone ?? workspace.project.configuration.timeZone) ?? .current
        let launch = LocalDateTime(day: workspace.today, time: LocalTime(hour: 0, minute: 0)!).instant(in: zone)
        let repetition = definition.schedule?.repetition
        let openEnded = repetition != nil && repetition?.times == nil && repetition?.until == nil
        let yearOn = workspace.today.adding(days: 365)
        let until = repetition?.until.map { min($0, yearOn) } ?? yearOn
        let segmentation = try CampaignSegmentation(definition, catalog: previewer.catalog, population: population, today: workspace.today)
        let plan = CampaignPlanner.plan(definition, segmentation: segmentation, population: population,
                                        composer: previewer.composer(for: definition), launchedAt: launch,
                                        from: workspace.today, until: until)
        let happening = plan.sends.filter { $0.timing != .passed }
        return PreviewCost(
            campaign: preview.campaign,
            segments: preview.segments.filter { $0.channel == .sms || $0.cost.messages > 0 }.map {
                Segment(name: $0.name, template: $0.template, messages: $0.cost.messages, cost: $0.cost)
            },
            partsPerSend: preview.totalParts,
            plan: Sends(from: workspace.today, until: definition.schedule == nil ? workspace.today : until, openEnded: openEnded,
                        sends: definition.schedule == nil ? 1 : happening.count, messages: plan.messages, parts: plan.parts))
    }
}

/// Terminal rendering of SMS costs: a few lines in the normal preview, the whole picture with `--cost`.
enum CostText {
    static func partsWord(_ n: Int) -> String { n == 1 ? "1 part" : "\(grouped(n)) parts" }

    /// "41,200 get 3 parts (GSM-7); 38,900 of them would fit in 2 if the text were 9 characters shorter".
    static func suggestionLines(_ cost: SMSCost) -> [String] {
        var out: [String] = []
        for g in cost.groups {
            guard let cut = g.suggestion else { continue }
            out.append("\(grouped(g.messages)) get \(partsWord(g.parts)) (\(g.encoding.rawValue)); \(grouped(cut.messages)) of them would fit in "
                       + "\(g.parts - 1) if the text were \(cut.characters) character\(cut.characters == 1 ? "" : "s") shorter"
                       + " (\(grouped(cut.messages)) parts less a send)")
        }
        if let f = cost.forcedUCS2 {
            out.append(forcedLine(f))
        }
        return out
    }

    static func forcedLine(_ f: SMSCost.ForcedUCS2) -> String {
        let chars = f.characters.prefix(5).map { "'\(TerminalText.escaped($0.character))' \($0.codePoint) in \(grouped($0.messages))" }
            .joined(separator: ", ")
        return "\(grouped(f.messages)) message\(f.messages == 1 ? " is" : "s are") UCS-2 only because of a few characters (\(chars)"
            + "\(f.characters.count > 5 ? ", …" : "")): \(grouped(f.parts)) parts, \(grouped(f.partsIfGSM7)) if written in GSM-7"
    }

    static func render(_ c: PreviewCost, title: String) -> String {
        var out = ["SMS cost of \(c.campaign) — \(title)"]
        for s in c.segments {
            out.append("")
            out.append("== Segment \(s.name)  (template \(s.template)): \(grouped(s.messages)) messages, \(grouped(s.cost.parts)) parts a send")
            for g in s.cost.groups {
                var line = "   \(padded(g.encoding.rawValue, 6)) \(padded(partsWord(g.parts), 9)) \(padded(grouped(g.messages), 10))"
                let steps = cutSteps(g)
                if !steps.isEmpty { line += " fit in \(g.parts - 1) with a cut of " + steps }
                else if g.parts >= 2 { line += " a cut of more than \(SMSCostTally.trackedCut) characters to fit in \(g.parts - 1)" }
                out.append(line)
            }
            for line in suggestionLines(s.cost) { out.append("   " + line) }
        }
        out.append("")
        out.append("One send to everyone reached today: \(grouped(c.partsPerSend)) SMS parts")
        let p = c.plan
        var total = "Over \(p.sends) send\(p.sends == 1 ? "" : "s") from \(p.from.iso) to \(p.until.iso): \(grouped(p.messages)) messages, \(grouped(p.parts)) SMS parts"
        if p.openEnded { total += " (the schedule repeats with no end: the first year only)" }
        out.append(total)
        return out.joined(separator: "\n")
    }

    /// "5 chars → 1,200, 10 → 30,000, 20 → 41,000": the fit at a few round cuts.
    static func cutSteps(_ g: SMSCost.Group) -> String {
        guard let first = g.fitOneFewer.first, first.characters <= 40 else {
            return g.fitOneFewer.isEmpty ? "" : "more than 40 characters"
        }
        var shown: [String] = []
        for n in [5, 10, 20, 40] {
            let fit = g.fitOneFewer.last { $0.characters <= n }?.messages ?? 0
            shown.append("\(n) chars → \(grouped(fit))")
        }
        return shown.joined(separator: ", ")
    }
}
