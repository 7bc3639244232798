import Foundation
import OutreachCore
import OutreachStore

/// `outreach report CAMPAIGN --outcomes`: the `OutcomeReport` from the ledger, as text, JSON or CSV.
enum OutcomeReportText {
    static func build(_ definition: CampaignDefinition, store: SQLiteLedger, field: String?, zone: TimeZone) async throws -> OutcomeReport {
        let fields = try await store.outcomeFields(campaign: definition.name)
        let chosen: String
        if let field {
            guard fields[field] != nil else {
                throw OutreachError(.unknownName, "no outcomes '\(field)' imported for \(definition.name)",
                                    hint: fields.isEmpty ? "import them with: outreach outcome import \(definition.name) FILE --field \(field)"
                                                         : "imported: \(fields.keys.sorted().joined(separator: ", "))")
            }
            chosen = field
        } else {
            guard !fields.isEmpty else {
                throw OutreachError(.missingFile, "no outcomes imported for \(definition.name)",
                                    hint: "import them first: outreach outcome import \(definition.name) FILE --field vaccinated_on")
            }
            guard fields.count == 1 else {
                throw OutreachError(.invalidValue, "several outcomes imported for \(definition.name): \(fields.keys.sorted().joined(separator: ", "))",
                                    hint: "choose one with --field")
            }
            chosen = fields.keys.first!
        }
        let people = try await store.measuredPeople(campaign: definition.name, field: chosen)
        return OutcomeReporter.report(campaign: definition.name, field: chosen, window: definition.attribution, zone: zone,
                                      people: people, outcomesImported: fields[chosen] ?? 0)
    }

    static func percent(_ rate: Double?) -> String {
        guard let rate else { return "—" }
        return String(format: "%.1f%%", rate * 100)
    }

    static func uplift(_ c: ProportionComparison?) -> String {
        guard let c else { return "—" }
        let w = OutcomeReporter.Words.self
        return "\(w.signed(c.difference * 100)) (\(w.signed(c.differenceInterval.lower * 100)) to \(w.signed(c.differenceInterval.upper * 100)))"
    }

    static func ratio(_ c: ProportionComparison?) -> String {
        guard let c, let r = c.ratio, let i = c.ratioInterval else { return "—" }
        return String(format: "×%.2f (%.2f to %.2f)", r, i.lower, i.upper)
    }

    static func text(_ r: OutcomeReport, title: String) -> String {
        var out = ["Outcomes of \(r.campaign) — \(title)"]
        out.append("Outcome '\(r.field)': counted when it falls within \(r.attributionDays) days of a person's first message (for the holdout, "
                   + "of when it would have gone); \(grouped(r.outcomesImported)) imported, \(grouped(r.outcomesOfPeople)) of people in the campaign")
        out.append("Uplift: messaged rate − holdout rate in points, 95% CI by \(r.differenceMethod); relative: risk ratio, 95% CI by \(r.ratioMethod)")
        out.append("Each variant is compared with its segment's whole holdout (drawn apart from the variants); its holdout column counts those who would have had it")
        out.append("")
        let sw = max(12, (r.groups.map(\.segment.count).max() ?? 0) + 1)
        let vw = max(10, (r.groups.compactMap { $0.variant?.count }.max() ?? 0) + 1)
        out.append([padded("segment", sw), padded("variant", vw), padded("people", 9), padded("messaged", 9), padded("holdout", 8),
                    padded("rate", 7), padded("holdout", 8), padded("uplift, points (95% CI)", 25), padded("relative (95% CI)", 21),
                    padded("replies", 8), padded("opt-outs", 9), "parts/extra outcome"].joined(separator: " "))
        for g in r.groups {
            out.append([padded(g.segment, sw), padded(g.variant ?? "all", vw), padded(grouped(g.people), 9), padded(grouped(g.messaged), 9),
                        padded(grouped(g.holdout), 8), padded(percent(g.messagedRate), 7), padded(percent(g.uplift?.controlRate ?? g.holdoutRate), 8),
                        padded(uplift(g.uplift), 25), padded(ratio(g.uplift), 21), padded(grouped(g.replies), 8),
                        padded(grouped(g.optOuts), 9), g.partsPerAdditionalOutcome.map { String(format: "%.1f", $0) } ?? "—"]
                .joined(separator: " "))
        }
        out.append("")
        for g in r.groups { out.append("\(g.segment)\(g.variant.map { "/" + $0 } ?? ""): \(g.finding)") }
        for c in r.variantComparisons { out.append("\(c.segment): \(c.finding)") }
        for g in r.groups { if let w = g.warning { out.append("warning: \(g.segment)\(g.variant.map { "/" + $0 } ?? ""): \(w)") } }
        for c in r.variantComparisons { if let w = c.warning { out.append("warning: \(c.segment), \(c.leader) against \(c.runnerUp): \(w)") } }
        return out.joined(separator: "\n")
    }

    static func csv(_ r: OutcomeReport) -> String {
        var lines = [["segment", "variant", "people", "messaged", "holdout", "messaged_outcomes", "holdout_outcomes", "messaged_rate",
                      "holdout_rate", "uplift", "uplift_low", "uplift_high", "ratio", "ratio_low", "ratio_high", "replies", "opt_outs",
                      "parts", "parts_per_additional_outcome", "too_small"].joined(separator: ",")]
        func number(_ x: Double?) -> String { x.map { String(format: "%.6f", $0) } ?? "" }
        for g in r.groups {
            let u = g.uplift
            let cells: [String] = [CSVCell.escaped(g.segment), CSVCell.escaped(g.variant ?? ""), String(g.people), String(g.messaged),
                                   String(g.holdout), String(g.messagedOutcomes), String(g.holdoutOutcomes), number(g.messagedRate),
                                   number(g.holdoutRate), number(u?.difference), number(u?.differenceInterval.lower),
                                   number(u?.differenceInterval.upper), number(u?.ratio), number(u?.ratioInterval?.lower),
                                   number(u?.ratioInterval?.upper), String(g.replies), String(g.optOuts), String(g.parts),
                                   number(g.partsPerAdditionalOutcome), g.warning == nil ? "no" : "yes"]
            lines.append(cells.joined(separator: ","))
        }
        return lines.joined(separator: "\n")
    }
}
