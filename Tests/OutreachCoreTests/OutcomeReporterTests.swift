import Foundation
import Testing
@testable import OutreachCore

@Suite struct OutcomeReporterTests {
    static let zone = TimeZone(identifier: "Asia/Riyadh")!
    static let sent = Date(timeIntervalSince1970: 1_796_000_000)   // a morning in Riyadh
    static var sentDay: Day { LocalDateTime(sent, in: zone).day }

    @Test func theWindowCountsTheSendDayThroughItsLastDay() {
        let w = AttributionWindow(days: 14)
        #expect(w.counts(Self.sentDay, after: Self.sent, zone: Self.zone))
        #expect(w.counts(Self.sentDay.adding(days: 14), after: Self.sent, zone: Self.zone))
        #expect(!w.counts(Self.sentDay.adding(days: 15), after: Self.sent, zone: Self.zone))
        #expect(!w.counts(Self.sentDay.adding(days: -1), after: Self.sent, zone: Self.zone))
        #expect(!w.counts(nil, after: Self.sent, zone: Self.zone))
        #expect(!w.counts(Self.sentDay, after: nil, zone: Self.zone))
    }

    /// `n` people of one kind, `k` of them with an outcome `offset` days after the reference.
    static func people(_ n: Int, outcomes k: Int, segment: String = "residents", variant: String? = nil, held: Bool = false,
                       offset: Int = 3, parts: Int = 2) -> [MeasuredPerson] {
        (0..<n).map { i in
            MeasuredPerson(id: "\(segment)\(variant ?? "")\(held)\(i)", segment: segment, variant: variant,
                           firstSent: held ? nil : sent, heldOutAt: held ? sent : nil, parts: held ? 0 : parts,
                           outcome: i < k ? sentDay.adding(days: offset) : nil)
        }
    }

    @Test func upliftPerSegmentAndVariantWithPlainWords() throws {
        var people = Self.people(2000, outcomes: 700, variant: "vax_warm")          // 35%
            + Self.people(2000, outcomes: 600, variant: "vax_short")                 // 30%
            + Self.people(400, outcomes: 100, variant: "vax_warm", held: true)       // holdout 25%
            + Self.people(400, outcomes: 100, variant: "vax_short", held: true)
        // Outcomes outside the window count for nobody.
        people += Self.people(100, outcomes: 100, variant: "vax_short", offset: 20)
        people += [MeasuredPerson(id: "u", segment: "residents", variant: "vax_warm")]   // neither messaged nor held out
        let r = OutcomeReporter.report(campaign: "c", field: "vaccinated_on", window: .default, zone: Self.zone, people: people,
                                       outcomesImported: 1600)
        let segment = try #require(r.groups.first { $0.variant == nil })
        #expect(segment.people == 4901 && segment.messaged == 4100 && segment.holdout == 800)
        #expect(segment.messagedOutcomes == 1300 && segment.holdoutOutcomes == 200)
        let warm = try #require(r.groups.first { $0.variant == "vax_warm" })
        #expect(warm.messaged == 2000 && warm.holdout == 400 && warm.messagedOutcomes == 700)
        let u = try #require(warm.uplift)
        #expect(abs(u.difference - (0.35 - 0.25)) < 1e-12)
        #expect(u.control == 800)                                                   // the segment's whole holdout
        #expect(warm.finding.hasPrefix("the vax_warm wording did better than no message for residents: +10.0 points, 95% CI +"))
        #expect(abs(try #require(warm.partsPerAdditionalOutcome) - 4000 / (0.1 * 2000)) < 1e-9)
        #expect(warm.warning == nil)
        let c = try #require(r.variantComparisons.first)
        #expect(c.leader == "vax_warm" && c.runnerUp == "vax_short")
        #expect(c.finding.hasPrefix("the vax_warm wording did better for residents than vax_short: +"), "\(c.finding)")
        #expect(r.outcomesOfPeople == 1600)
    }

    @Test func smallGroupsAreFlaggedAndNoHoldoutIsSaid() throws {
        let r = OutcomeReporter.report(campaign: "c", field: "f", window: .default, zone: Self.zone,
                                       people: Self.people(20, outcomes: 5) + Self.people(10, outcomes: 1, held: true)
                                           + Self.people(50, outcomes: 10, segment: "others"),
                                       outcomesImported: 16)
        let small = try #require(r.groups.first { $0.segment == "residents" })
        #expect(small.warning?.hasPrefix("too small to tell") == true)
        let others = try #require(r.groups.first { $0.segment == "others" })
        #expect(others.uplift == nil && others.finding == "no holdout: nothing to compare the messaged with")
        #expect(r.groups.last?.segment == "all" && r.groups.last?.people == 80)
    }

    @Test func noPlantedEffectReadsAsNoClearDifference() throws {
        let r = OutcomeReporter.report(campaign: "c", field: "f", window: .default, zone: Self.zone,
                                       people: Self.people(5000, outcomes: 1500) + Self.people(1000, outcomes: 300, held: true),
                                       outcomesImported: 1800)
        let g = try #require(r.groups.first)
        #expect(g.finding.hasPrefix("no clear difference between the message and no message for residents: 0.0 points, 95% CI −"), "\(g.finding)")
        #expect(g.partsPerAdditionalOutcome == nil)
    }

    @Test func generatedOutcomesCarryThePlantedEffect() {
        var generator = OutcomeGenerator(baseRate: 0.3, uplift: 0.1, window: .default, seed: 7)
        generator.outsideWindow = 0
        let people = Self.people(20000, outcomes: 0) + Self.people(20000, outcomes: 0, held: true)
        let withOutcomes = people.map { p -> MeasuredPerson in
            var q = p
            q.outcome = generator.outcome(for: p, zone: Self.zone, fallback: Self.sentDay)
            return q
        }
        let r = OutcomeReporter.report(campaign: "c", field: "f", window: .default, zone: Self.zone, people: withOutcomes, outcomesImported: 0)
        let u = r.groups[0].uplift!
        #expect(u.differenceInterval.contains(0.1))
        #expect(abs(u.controlRate - 0.3) < 0.02)
        #expect(generator.outcome(for: people[0], zone: Self.zone, fallback: Self.sentDay)
                == generator.outcome(for: people[0], zone: Self.zone, fallback: Self.sentDay))
    }
}
