public import Foundation

/// `outreach report NAME`: per occurrence and per segment, every targeted
/// person in exactly one column — queued, in flight, accepted, delivered,
/// failed, expired, uncertain, or skipped by reason — with SMS parts used
/// and the campaign's timing. Relative sends are grouped by offset (`-7d`),
/// not by each person's date.
public struct CampaignReport: Sendable, Codable {
    /// Counts by ledger state for one occurrence (or offset) and segment; every message is counted in exactly one
    /// state.
    public struct Line: Sendable, Codable, Equatable {
        public var occurrence: String
        public var segment: String
        public var targeted = 0
        public var queued = 0
        public var sending = 0
        public var accepted = 0
        public var delivered = 0
        public var failed = 0
        public var expired = 0
        public var uncertain = 0
        /// Skip reason (`opted_out`, `capped`, …) → count.
        public var skipped: [String: Int] = [:]
        /// SMS parts of SMS messages that may have reached people (the cost).
        public var parts = 0
        /// Emails that may have reached people (counted as messages, not parts).
        public var emails = 0
        /// Messages found in flight after a crash (in doubt), and what became of them.
        public var inDoubt = InDoubt()

        public init(occurrence: String, segment: String) {
            self.occurrence = occurrence
            self.segment = segment
        }

        /// Handed to a gateway: accepted, delivered, failed after an attempt, expired, uncertain.
        public var sent: Int { accepted + delivered + failed + expired + uncertain }
        public var skippedTotal: Int { skipped.values.reduce(0, +) }

        mutating func add(_ row: LedgerCount) {
            targeted += row.count
            switch row.state {
            case .queued: queued += row.count
            case .sending: sending += row.count
            case .accepted: accepted += row.count
            case .delivered: delivered += row.count
            case .failed: failed += row.count
            case .expired: expired += row.count
            case .uncertain: uncertain += row.count
            case .skipped: skipped[(row.skipReason ?? .cancelled).rawValue, default: 0] += row.count
            }
            if row.wasInDoubt || (row.state == .skipped && row.skipReason == .inDoubt) { inDoubt.add(row) }
            if row.state.mayHaveReachedRecipient {
                switch row.channel {
                case .sms: parts += row.parts
                case .email: emails += row.count
                }
            }
        }
    }

    /// What became of messages found in flight after a crash: `resent` (queued again under
    /// `on_uncertain: resend`), of which `possibleDuplicates` then went out again — their recipients may have
    /// the message twice —, `skipped` (`on_uncertain: skip`: maybe received once, maybe never), and `pending`
    /// (still uncertain, not yet settled).
    public struct InDoubt: Sendable, Codable, Equatable {
        public var total = 0
        public var resent = 0
        public var possibleDuplicates = 0
        public var skipped = 0
        public var pending = 0

        public init() {}

        mutating func add(_ row: LedgerCount) {
            total += row.count
            switch row.state {
            case .skipped where row.skipReason == .inDoubt: skipped += row.count
            case .uncertain: pending += row.count
            default:
                resent += row.count
                if row.state.mayHaveReachedRecipient { possibleDuplicates += row.count }
            }
        }
    }

    /// One variant of one segment over every occurrence (`variants:`): its messages, and the held-out
    /// people who would have had it.
    public struct VariantLine: Sendable, Codable, Equatable {
        public var segment: String
        /// The variant's template.
        public var variant: String
        public var counts: Line
        /// Handed to a gateway (`Line.sent`).
        public var sent = 0
        /// In the held-out control group: not messaged.
        public var heldOut = 0
    }

    public var campaign: String
    public var state: CampaignState
    public var launchedAt: Date?
    public var lines: [Line]
    public var total: Line
    public var activity: CampaignActivity
    /// Test messages sent to staff (`send --test`): in no other figure.
    public var testSends: Int
    /// Replies to the campaign's messages and what they did, with email unsubscribe-link opt-outs.
    public var replies = ReplyCounts()
    /// Per segment and variant, when the campaign has variants; empty otherwise.
    public var variants: [VariantLine] = []
    /// People in the held-out control group (`skipped(holdout)`), over every occurrence: not messaged.
    public var heldOut = 0
    /// The same by the segment of the message each reply answers ("—" for messages without one).
    public var repliesBySegment: [String: ReplyCounts] = [:]

    public init(campaign: String, state: CampaignState, launchedAt: Date?, counts: LedgerCounts, activity: CampaignActivity) {
        self.campaign = campaign
        self.state = state
        self.launchedAt = launchedAt
        self.activity = activity
        self.testSends = counts.testSends
        var byKey: [String: Line] = [:]
        var total = Line(occurrence: "all", segment: "all")
        for row in counts.rows {
            let occurrence = Self.occurrenceGroup(row.occurrence)
            let segment = row.segment ?? "—"
            let key = occurrence + "\u{0}" + segment
            var line = byKey[key] ?? Line(occurrence: occurrence, segment: segment)
            line.add(row)
            byKey[key] = line
            total.add(row)
        }
        lines = byKey.values.sorted { ($0.occurrence, $0.segment) < ($1.occurrence, $1.segment) }
        self.total = total
        var byVariant: [String: VariantLine] = [:]
        for row in counts.rows {
            guard let variant = row.variant else { continue }
            let segment = row.segment ?? "—"
            let key = segment + "\u{0}" + variant
            var line = byVariant[key] ?? VariantLine(segment: segment, variant: variant, counts: Line(occurrence: "all", segment: segment))
            line.counts.add(row)
            byVariant[key] = line
        }
        variants = byVariant.values.sorted { ($0.segment, $0.variant) < ($1.segment, $1.variant) }.map { line in
            var line = line
            line.sent = line.counts.sent
            line.heldOut = line.counts.skipped[SkipReason.holdout.rawValue] ?? 0
            return line
        }
        heldOut = total.skipped[SkipReason.holdout.rawValue] ?? 0
    }

    /// `-7d@2027-03-01` → `-7d` (relative sends grouped by offset); fixed occurrences (`#2`) and the sends made by
    /// hand (`now@2026-12-07`, one line a day) stay as they are.
    public static func occurrenceGroup(_ key: String) -> String {
        guard let at = key.firstIndex(of: "@") else { return key }
        let head = key[..<at]
        if head == "now" || head.hasSuffix(":now") { return key }
        return String(head)
    }

    /// Skip reasons present anywhere, in a stable order (for CSV columns).
    public var skipReasons: [String] {
        SkipReason.allCases.map(\.rawValue).filter { total.skipped[$0] != nil }
    }
}
