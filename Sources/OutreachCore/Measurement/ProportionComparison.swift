import Foundation

/// Two groups' outcome rates compared: the absolute difference (uplift, in proportion units) with a 95%
/// interval by Newcombe's hybrid score method (his method 10: the two Wilson score intervals combined; good
/// coverage down to small groups and rates near 0 or 1, where Wald's falls short), and the risk ratio
/// (relative uplift) with a 95% interval on the log scale (Katz), adding ½ to each count when one is zero.
/// The formulas are statsmodels' `confint_proportions_2indep` (`method="newcomb"`, `compare="diff"`;
/// `method="log"` or `"log-adjusted"`, `compare="ratio"`), which the tests check them against.
public struct ProportionComparison: Sendable, Codable, Equatable {
    /// A closed 95% interval; `contains` includes both ends.
    public struct Interval: Sendable, Codable, Equatable {
        public var lower: Double
        public var upper: Double
        public init(lower: Double, upper: Double) { self.lower = lower; self.upper = upper }
        public func contains(_ x: Double) -> Bool { lower <= x && x <= upper }
    }

    /// The group that got the treatment (a message, or one wording): outcomes and people.
    public var treatedOutcomes: Int
    public var treated: Int
    /// The group compared against (the holdout, or another wording).
    public var controlOutcomes: Int
    public var control: Int
    public var treatedRate: Double
    public var controlRate: Double
    /// treatedRate − controlRate.
    public var difference: Double
    public var differenceInterval: Interval
    public var differenceMethod: String
    /// treatedRate ÷ controlRate; nil when the control rate is 0 (no ratio to speak of).
    public var ratio: Double?
    public var ratioInterval: Interval?
    public var ratioMethod: String?

    /// The normal quantile for a two-sided 95% interval (`norm.isf(0.025)`).
    public static let z95 = 1.959963984540054
    public static let newcombeMethod = "Newcombe hybrid score (Wilson), 95%"

    /// nil when either group is empty (no rate to compare).
    public init?(treatedOutcomes: Int, treated: Int, controlOutcomes: Int, control: Int) {
        guard treated > 0, control > 0, (0...treated).contains(treatedOutcomes), (0...control).contains(controlOutcomes) else { return nil }
        self.treatedOutcomes = treatedOutcomes
        self.treated = treated
        self.controlOutcomes = controlOutcomes
        self.control = control
        let p1 = Double(treatedOutcomes) / Double(treated)
        let p2 = Double(controlOutcomes) / Double(control)
        treatedRate = p1
        controlRate = p2
        difference = p1 - p2
        let (l1, u1) = Self.wilson(treatedOutcomes, treated)
        let (l2, u2) = Self.wilson(controlOutcomes, control)
        differenceInterval = Interval(lower: difference - ((p1 - l1) * (p1 - l1) + (u2 - p2) * (u2 - p2)).squareRoot(),
                                      upper: difference + ((p2 - l2) * (p2 - l2) + (u1 - p1) * (u1 - p1)).squareRoot())
        differenceMethod = Self.newcombeMethod
        guard controlOutcomes > 0 || treatedOutcomes > 0 else { return }
        // Katz's log interval; with a zero count, ½ added to counts and totals ("log-adjusted").
        let half = treatedOutcomes == 0 || controlOutcomes == 0 ? 0.5 : 0
        let c1 = Double(treatedOutcomes) + half, n1 = Double(treated) + half
        let c2 = Double(controlOutcomes) + half, n2 = Double(control) + half
        guard controlOutcomes > 0 else { return }
        let r = (c1 / n1) / (c2 / n2)
        let se = (1 / c1 - 1 / n1 + 1 / c2 - 1 / n2).squareRoot()
        ratio = p1 / p2
        ratioInterval = Interval(lower: r * Foundation.exp(-Self.z95 * se), upper: r * Foundation.exp(Self.z95 * se))
        ratioMethod = half > 0 ? "log (Katz) with ½ added to each count, 95%" : "log (Katz), 95%"
    }

    /// Wilson's score interval for `count` of `total`, 95%.
    public static func wilson(_ count: Int, _ total: Int) -> (Double, Double) {
        let n = Double(total), p = Double(count) / n, z2 = z95 * z95
        let denominator = 1 + z2 / n
        let centre = (p + z2 / (2 * n)) / denominator
        let half = z95 * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot() / denominator
        return (centre - half, centre + half)
    }

    /// The difference is clearly above (1) or below (−1) zero, or the interval covers zero (0).
    public var direction: Int {
        if differenceInterval.lower > 0 { return 1 }
        if differenceInterval.upper < 0 { return -1 }
        return 0
    }

    /// Too few people or outcomes to tell anything apart: fewer than `minimumGroup` people in a group, or
    /// fewer than 5 outcomes (or 5 non-outcomes) in either, the usual limit for these approximations.
    public var tooSmallToTell: Bool {
        treated < Self.minimumGroup || control < Self.minimumGroup
            || min(treatedOutcomes, controlOutcomes) < 5 || min(treated - treatedOutcomes, control - controlOutcomes) < 5
    }

    public static let minimumGroup = 30
}
