public import Foundation

/// Synthetic outcomes with a planted effect, for demos and tests (`outreach generate-outcomes`): each
/// person of a campaign gets an outcome with probability `baseRate`, plus `uplift` (or their variant's
/// own) when they were messaged; the day falls within the attribution window after their send (or when
/// it would have gone), except a share `outsideWindow` that falls after it and must not count. The same
/// seed gives the same outcomes.
public struct OutcomeGenerator: Sendable {
    public var baseRate: Double
    public var uplift: Double
    /// Per variant template, its own uplift instead of `uplift`.
    public var variantUplift: [String: Double] = [:]
    public var window: AttributionWindow
    public var outsideWindow = 0.1
    public var seed: UInt64

    public init(baseRate: Double, uplift: Double, window: AttributionWindow, seed: UInt64) {
        self.baseRate = baseRate
        self.uplift = uplift
        self.window = window
        self.seed = seed
    }

    /// The person's outcome day, or nil. People neither messaged nor held out get the base rate from the
    /// evaluation day `fallback`.
    public func outcome(for person: MeasuredPerson, zone: TimeZone, fallback: Day) -> Day? {
        var random = SplitMix64(seed: seed ^ Self.hash(person.id))
        let reference = person.firstSent ?? person.heldOutAt
        var p = baseRate
        if person.firstSent != nil { p += person.variant.flatMap { variantUplift[$0] } ?? uplift }
        guard Double(random.below(1_000_000)) < max(0, min(1, p)) * 1_000_000 else { return nil }
        let start = reference.map { LocalDateTime($0, in: zone).day } ?? fallback
        if Double(random.below(1_000_000)) < outsideWindow * 1_000_000 {
            return start.adding(days: window.days + 1 + random.below(30))
        }
        return start.adding(days: random.below(window.days + 1))
    }

    static func hash(_ id: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in id.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        return h
    }
}
