/// How many entries of one campaign stand where: one row per occurrence,
/// segment, variant, channel, state and skip reason, with the SMS parts they carry
/// (an email entry counts one part, which reports count as one email).
public struct LedgerCount: Sendable, Hashable, Codable {
    public var occurrence: String
    public var segment: String?
    public var channel: Channel
    public var state: LedgerState
    public var skipReason: SkipReason?
    public var count: Int
    public var parts: Int
    /// These entries were found in flight after a crash at some point (in doubt), whatever they became since.
    public var wasInDoubt: Bool
    /// The variant's template (`variants:`); nil when the segment has none.
    public var variant: String? = nil

    public init(occurrence: String, segment: String?, channel: Channel = .sms, state: LedgerState, skipReason: SkipReason?,
                count: Int, parts: Int, wasInDoubt: Bool = false) {
        self.wasInDoubt = wasInDoubt
        self.occurrence = occurrence
        self.segment = segment
        self.channel = channel
        self.state = state
        self.skipReason = skipReason
        self.count = count
        self.parts = parts
    }
}

/// A campaign's counts with the sums reports need.
public struct LedgerCounts: Sendable, Hashable, Codable {
    public var campaign: String
    /// Every entry but test sends (`TestOccurrence`), which only `testSends` counts.
    public var rows: [LedgerCount]
    /// Test messages recorded for the campaign (`send --test`).
    public var testSends = 0

    public init(campaign: String, rows: [LedgerCount]) {
        self.campaign = campaign
        self.rows = rows
    }

    /// Every targeted recipient, whatever became of them.
    public var targeted: Int { rows.reduce(0) { $0 + $1.count } }

    public func count(_ state: LedgerState, occurrence: String? = nil, segment: String?? = nil) -> Int {
        filtered(occurrence: occurrence, segment: segment).filter { $0.state == state }.reduce(0) { $0 + $1.count }
    }

    public func skipped(_ reason: SkipReason, occurrence: String? = nil) -> Int {
        filtered(occurrence: occurrence, segment: nil).filter { $0.state == .skipped && $0.skipReason == reason }
            .reduce(0) { $0 + $1.count }
    }

    /// Totals per state (every state present, zero when none).
    public func byState(occurrence: String? = nil, segment: String?? = nil) -> [LedgerState: Int] {
        var out = Dictionary(uniqueKeysWithValues: LedgerState.allCases.map { ($0, 0) })
        for row in filtered(occurrence: occurrence, segment: segment) { out[row.state, default: 0] += row.count }
        return out
    }

    /// Totals per skip reason (only reasons that occur).
    public func bySkipReason(occurrence: String? = nil, segment: String?? = nil) -> [SkipReason: Int] {
        var out: [SkipReason: Int] = [:]
        for row in filtered(occurrence: occurrence, segment: segment) where row.state == .skipped {
            out[row.skipReason ?? .cancelled, default: 0] += row.count
        }
        return out
    }

    /// SMS parts of SMS messages that may have reached people (the cost).
    public var partsUsed: Int {
        rows.filter { $0.channel == .sms && $0.state.mayHaveReachedRecipient }.reduce(0) { $0 + $1.parts }
    }

    /// Occurrence keys in sorted order.
    public var occurrences: [String] { Array(Set(rows.map(\.occurrence))).sorted() }

    /// Segment names in sorted order (nil — no segment — first).
    public var segments: [String?] {
        Array(Set(rows.map(\.segment))).sorted { ($0 ?? "") < ($1 ?? "") }
    }

    private func filtered(occurrence: String?, segment: String??) -> [LedgerCount] {
        rows.filter { row in
            (occurrence == nil || row.occurrence == occurrence) && (segment == nil || row.segment == segment!)
        }
    }
}
