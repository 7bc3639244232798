/// Staged sending (`test_phase: {share: 10%, decide_after: 48h, metric: reply}`): the variants go to a share
/// of the audience first, and the rest of the audience gets only the leading variant once `decide_after`
/// has passed since the test share's send.
///
/// Who is in the test share is a stable keyed draw (`ExperimentAssignment.testPhaseDraw`), independent of
/// the variant and the holdout draws: the test share holds variants and held-out people in their shares.
public struct TestPhase: Sendable, Equatable, Codable {
    /// What decides which variant leads.
    public enum Metric: String, Sendable, CaseIterable, Codable {
        /// Imported outcomes (`outreach outcome import`) inside the attribution window.
        case outcome
        /// Replies received from the people messaged.
        case reply
        /// Messages confirmed delivered.
        case delivered
    }

    /// The share of each segment's audience that gets the variants first, in percent: 1–50.
    public let percent: Double
    /// How long after the test share's send the decision is made and the rest is sent, in whole hours.
    public let decideAfterHours: Int
    public let metric: Metric

    /// The test share's bounds, in percent: more than half would leave the rest the smaller part.
    public static let allowedPercent = 1.0...50.0
    /// From one hour to 60 days.
    public static let allowedHours = 1...(60 * 24)

    /// Nil when `percent` or `decideAfterHours` is out of range.
    public init?(percent: Double, decideAfterHours: Int, metric: Metric) {
        guard percent.isFinite, Self.allowedPercent.contains(percent), Self.allowedHours.contains(decideAfterHours) else { return nil }
        self.percent = percent
        self.decideAfterHours = decideAfterHours
        self.metric = metric
    }

    /// 0.01...0.5.
    public var share: Double { percent / 100 }

    /// `10%`, `2.5%`.
    public var percentText: String {
        let p = percent
        return p == p.rounded() ? "\(Int(p))%" : "\(p)%"
    }

    /// `48 h`, `3 d`: hours up to 48, whole days from three on.
    public var decideAfterText: String {
        decideAfterHours > 48 && decideAfterHours % 24 == 0 ? "\(decideAfterHours / 24) d" : "\(decideAfterHours) h"
    }

    /// "test phase: 10% now, the rest after 48 h with the leading variant (by reply rate)": what plan and preview say.
    public var summary: String {
        "test phase: \(percentText) now, the rest after \(decideAfterText) with the leading variant (by \(metric.rawValue) rate)"
    }

    /// Parses a duration in hours: `48h`, `2d`, `1w`; nil for anything else.
    public static func hours(_ text: some StringProtocol) -> Int? {
        let s = text.trimmingCharacters(in: .whitespaces).lowercased()
        let digits = s.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 5, let n = Int(digits) else { return nil }
        switch s.dropFirst(digits.count).trimmingCharacters(in: .whitespaces) {
        case "h": return n
        case "d": return n * 24
        case "w": return n * 24 * 7
        default: return nil
        }
    }

    /// Draws below this bound are in the test share.
    public var bound: UInt64 { ExperimentAssignment.Split.bound(share) }

    /// Whether a person with this test-phase draw is in the test share.
    public func inTestShare(draw: UInt64) -> Bool { draw < bound }
}
