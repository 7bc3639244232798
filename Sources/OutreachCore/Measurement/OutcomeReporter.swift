public import Foundation

/// Builds an `OutcomeReport` from a campaign's people (`MeasuredPerson`, one per person in its ledger).
public enum OutcomeReporter {
    public static func report(campaign: String, field: String, window: AttributionWindow, zone: TimeZone,
                              people: [MeasuredPerson], outcomesImported: Int) -> OutcomeReport {
        struct Key: Hashable { var segment: String; var variant: String? }
        struct Tally {
            var people = 0, messaged = 0, holdout = 0, messagedOutcomes = 0, holdoutOutcomes = 0, parts = 0, replies = 0, optOuts = 0
            mutating func add(_ p: MeasuredPerson, _ window: AttributionWindow, _ zone: TimeZone) {
                people += 1
                parts += p.parts
                replies += p.replies
                optOuts += p.optOuts
                if let sent = p.firstSent {
                    messaged += 1
                    if window.counts(p.outcome, after: sent, zone: zone) { messagedOutcomes += 1 }
                } else if let held = p.heldOutAt {
                    holdout += 1
                    if window.counts(p.outcome, after: held, zone: zone) { holdoutOutcomes += 1 }
                }
            }
        }
        var order: [String] = []
        var segments: [String: Tally] = [:]
        var variants: [Key: Tally] = [:]
        var variantOrder: [String: [String]] = [:]
        var total = Tally()
        var outcomesOfPeople = 0
        for p in people {
            if p.outcome != nil { outcomesOfPeople += 1 }
            if segments[p.segment] == nil { order.append(p.segment) }
            segments[p.segment, default: Tally()].add(p, window, zone)
            total.add(p, window, zone)
            if let v = p.variant {
                let key = Key(segment: p.segment, variant: v)
                if variants[key] == nil { variantOrder[p.segment, default: []].append(v) }
                variants[key, default: Tally()].add(p, window, zone)
            }
        }

        func group(_ segment: String, _ variant: String?, _ t: Tally, control: Tally) -> OutcomeReport.Group {
            let uplift = ProportionComparison(treatedOutcomes: t.messagedOutcomes, treated: t.messaged,
                                              controlOutcomes: control.holdoutOutcomes, control: control.holdout)
            var perOutcome: Double?
            if let u = uplift, u.difference > 0, t.parts > 0 { perOutcome = Double(t.parts) / (u.difference * Double(t.messaged)) }
            let subject = variant.map { "the \($0) wording" } ?? (segment == "all" ? "messaging" : "messaging \(segment)")
            let whom = variant != nil ? " for \(segment)" : ""
            var finding: String
            var warning: String?
            if let u = uplift {
                finding = Words.finding(u, better: "\(subject) did better than no message\(whom)",
                                        worse: "\(subject) did worse than no message\(whom)",
                                        unclear: "no clear difference between \(variant.map { "the \($0) wording" } ?? "the message") and no message"
                                                 + (segment == "all" ? "" : " for \(segment)"))
                if u.tooSmallToTell { warning = Words.tooSmall(u) }
            } else if t.messaged == 0 {
                finding = "nobody messaged yet"
            } else {
                finding = "no holdout: nothing to compare the messaged with"
            }
            return OutcomeReport.Group(
                segment: segment, variant: variant, people: t.people, messaged: t.messaged, holdout: t.holdout,
                messagedOutcomes: t.messagedOutcomes, holdoutOutcomes: t.holdoutOutcomes,
                messagedRate: t.messaged > 0 ? Double(t.messagedOutcomes) / Double(t.messaged) : nil,
                holdoutRate: t.holdout > 0 ? Double(t.holdoutOutcomes) / Double(t.holdout) : nil,
                uplift: uplift, parts: t.parts, partsPerAdditionalOutcome: perOutcome, replies: t.replies, optOuts: t.optOuts,
                finding: finding, warning: warning)
        }

        var groups: [OutcomeReport.Group] = []
        var comparisons: [OutcomeReport.VariantComparison] = []
        for segment in order {
            let s = segments[segment]!
            groups.append(group(segment, nil, s, control: s))
            let names = variantOrder[segment] ?? []
            for v in names { groups.append(group(segment, v, variants[Key(segment: segment, variant: v)]!, control: s)) }
            // The leading wording against the runner-up, among the messaged.
            let ranked = names.compactMap { v -> (String, Tally)? in
                let t = variants[Key(segment: segment, variant: v)]!
                return t.messaged > 0 ? (v, t) : nil
            }.sorted { Double($0.1.messagedOutcomes) / Double($0.1.messaged) > Double($1.1.messagedOutcomes) / Double($1.1.messaged) }
            if ranked.count >= 2, let c = ProportionComparison(treatedOutcomes: ranked[0].1.messagedOutcomes, treated: ranked[0].1.messaged,
                                                               controlOutcomes: ranked[1].1.messagedOutcomes, control: ranked[1].1.messaged) {
                let (a, b) = (ranked[0].0, ranked[1].0)
                comparisons.append(OutcomeReport.VariantComparison(
                    segment: segment, leader: a, runnerUp: b, comparison: c,
                    finding: Words.finding(c, better: "the \(a) wording did better for \(segment) than \(b)",
                                           worse: "the \(a) wording did worse for \(segment) than \(b)",
                                           unclear: "no clear difference between the \(a) and \(b) wordings for \(segment)"),
                    warning: c.tooSmallToTell ? Words.tooSmall(c) : nil))
            }
        }
        if order.count > 1 { groups.append(group("all", nil, total, control: total)) }
        return OutcomeReport(campaign: campaign, field: field, attributionDays: window.days, outcomesImported: outcomesImported,
                             outcomesOfPeople: outcomesOfPeople, differenceMethod: ProportionComparison.newcombeMethod,
                             ratioMethod: "log (Katz), 95%", groups: groups, variantComparisons: comparisons)
    }

    /// Plain words for a comparison.
    public enum Words {
        /// "+3.1 points, 95% CI +1.2 to +5.0".
        public static func points(_ c: ProportionComparison) -> String {
            "\(signed(c.difference * 100)) points, 95% CI \(signed(c.differenceInterval.lower * 100)) to \(signed(c.differenceInterval.upper * 100))"
        }

        public static func signed(_ x: Double) -> String {
            let tenths = (x * 10).rounded()
            let text = "\(Int(abs(tenths)) / 10).\(Int(abs(tenths)) % 10)"
            return tenths > 0 ? "+" + text : tenths < 0 ? "−" + text : "0.0"
        }

        static func finding(_ c: ProportionComparison, better: String, worse: String, unclear: String) -> String {
            switch c.direction {
            case 1: return "\(better): \(points(c))"
            case -1: return "\(worse): \(points(c))"
            default: return "\(unclear): \(points(c))"
            }
        }

        static func tooSmall(_ c: ProportionComparison) -> String {
            "too small to tell: \(c.treated) against \(c.control) people, \(c.treatedOutcomes) and \(c.controlOutcomes) outcomes"
                + " (at least \(ProportionComparison.minimumGroup) people and 5 outcomes each are needed)"
        }
    }
}
