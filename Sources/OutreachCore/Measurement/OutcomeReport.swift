/// What a campaign changed, per segment and variant: people, messaged and held out, the outcome rate of
/// each within the attribution window, the uplift of the message over the holdout and of one wording over
/// another with 95% intervals (`ProportionComparison`), replies and opt-outs, and SMS parts per additional
/// outcome. Built by `OutcomeReporter`; `outreach report CAMPAIGN --outcomes` prints it.
public struct OutcomeReport: Sendable, Codable {
    /// One row of the report: a segment (or the whole campaign), optionally one variant of it, with its counts,
    /// rates and comparisons.
    public struct Group: Sendable, Codable {
        public var segment: String
        /// nil: the whole segment (or the whole campaign when `segment` is "all").
        public var variant: String?
        /// Everyone the campaign's ledger has in the group (messaged, held out, or neither: unreachable, opted
        /// out, failed…).
        public var people: Int
        public var messaged: Int
        public var holdout: Int
        public var messagedOutcomes: Int
        public var holdoutOutcomes: Int
        public var messagedRate: Double?
        public var holdoutRate: Double?
        /// Messaged against the segment's whole holdout (for a variant too: the holdout is drawn apart from
        /// the variants, so it is a fair control for each, and a larger one).
        public var uplift: ProportionComparison?
        public var parts: Int
        /// SMS parts spent per outcome the messages added (parts ÷ (uplift × messaged)); nil unless the uplift
        /// is above zero.
        public var partsPerAdditionalOutcome: Double?
        public var replies: Int
        public var optOuts: Int
        /// In plain words.
        public var finding: String
        /// Set when the group is too small to tell.
        public var warning: String?
    }

    /// Two variants of one segment, messaged people only: the leader against the runner-up.
    public struct VariantComparison: Sendable, Codable {
        public var segment: String
        public var leader: String
        public var runnerUp: String
        public var comparison: ProportionComparison
        public var finding: String
        public var warning: String?
    }

    public var campaign: String
    public var field: String
    public var attributionDays: Int
    /// Outcomes imported for the campaign, and of them those of people in its ledger.
    public var outcomesImported: Int
    public var outcomesOfPeople: Int
    public var differenceMethod: String
    public var ratioMethod: String
    public var groups: [Group]
    public var variantComparisons: [VariantComparison]
}
