/// Which variant a person gets and whether they are held out: two uniform 64-bit draws from the ledger's
/// keyed digest (`MessageIDKey`, HMAC-SHA256 for a ledger made since keys) of the campaign and the person id.
///
/// Guarantees: the same person gets the same variant and the same holdout decision in every occurrence,
/// run, re-launch (the generation is not hashed) and whatever the order of segments or rows; nobody can
/// tell a person's variant or group from their id without the ledger's key (the draws are not the person
/// key message ids carry); variant shares match the weights, and the held-out share the holdout, in
/// expectation (up to 2⁻⁶⁴ of rounding). The two draws are independent, so held-out people have the
/// variant they would have had, spread as everyone's is.
public struct ExperimentAssignment: Sendable {
    /// What a person was assigned in one segment.
    public struct Assignment: Sendable, Equatable {
        /// Index into the segment's variants; 0 for a segment without variants.
        public var variant: Int
        public var heldOut: Bool

        public init(variant: Int, heldOut: Bool) {
            self.variant = variant
            self.heldOut = heldOut
        }
    }

    /// One segment's split, its thresholds computed once.
    public struct Split: Sendable, Equatable {
        /// Variant `i` takes draws below `bounds[i]` (and at or above the one before); the last takes the rest.
        let bounds: [UInt64]
        /// Draws below this are held out; 0: nobody.
        let holdoutBound: UInt64

        /// `weights` positive (empty or one: no split); `holdout` 0–50%.
        public init(weights: [Double], holdout: HoldoutShare?) {
            let total = weights.reduce(0, +)
            var bounds: [UInt64] = []
            var cumulative = 0.0
            for weight in weights.dropLast() {
                cumulative += weight
                bounds.append(Self.bound(cumulative / total))
            }
            self.bounds = bounds
            holdoutBound = Self.bound(holdout?.fraction ?? 0)
        }

        /// ⌊share × 2⁶⁴⌋ for a share in [0, 1), exact for a share that is a multiple of 2⁻⁵³.
        static func bound(_ share: Double) -> UInt64 {
            guard share > 0 else { return 0 }
            guard share < 1 else { return .max }
            return UInt64(share * 18_446_744_073_709_551_616.0)
        }

        public func assign(variantDraw: UInt64, holdoutDraw: UInt64) -> Assignment {
            var variant = 0
            while variant < bounds.count, variantDraw >= bounds[variant] { variant += 1 }
            return Assignment(variant: variant, heldOut: holdoutDraw < holdoutBound)
        }
    }

    public let campaign: String
    public let key: MessageIDKey

    public init(campaign: String, key: MessageIDKey) {
        self.campaign = campaign
        self.key = key
    }

    /// The person's two draws: keyed digest of `x`, NUL, campaign, NUL, person id (the `x` keeps these
    /// apart from person keys, `p`, and message ids). First word: the variant; second: the holdout.
    public func draws(recipient: String) -> (variant: UInt64, holdout: UInt64) {
        var digest = key.startDigest()
        digest.update(CollectionOfOne(UInt8(ascii: "x")))
        digest.update(CollectionOfOne(0))
        digest.update(campaign.utf8)
        digest.update(CollectionOfOne(0))
        digest.update(recipient.utf8)
        let (variant, holdout) = digest.firstTwo64BitWords()
        return (variant, holdout)
    }

    /// The person's test-phase draw (`TestPhase`): keyed digest of `t`, NUL, campaign, NUL, person id —
    /// its own digest, so it is independent of the variant and the holdout draws.
    public func testPhaseDraw(recipient: String) -> UInt64 {
        var digest = key.startDigest()
        digest.update(CollectionOfOne(UInt8(ascii: "t")))
        digest.update(CollectionOfOne(0))
        digest.update(campaign.utf8)
        digest.update(CollectionOfOne(0))
        digest.update(recipient.utf8)
        return digest.first64Bits()
    }

    /// Whether the person is in the test share of a staged campaign.
    public func inTestShare(recipient: String, phase: TestPhase) -> Bool {
        phase.inTestShare(draw: testPhaseDraw(recipient: recipient))
    }

    public func assign(recipient: String, split: Split) -> Assignment {
        let (v, h) = draws(recipient: recipient)
        return split.assign(variantDraw: v, holdoutDraw: h)
    }
}
