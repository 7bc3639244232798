/// An inclusive range of integers; empty when `low > high`.
struct IntRange: Sendable, Equatable {
    var low: Int64
    var high: Int64

    static let empty = IntRange(low: 1, high: 0)
    static let all = IntRange(low: .min, high: .max)

    var isEmpty: Bool { low > high }

    /// The integers `x` with `x op value`. `.notEqual` is not a range:
    /// callers negate `.equal`.
    static func of(_ op: ComparisonOperator, _ value: NumberValue) -> IntRange {
        switch op {
        case .equal, .notEqual:
            guard let exact = value.exactInt else { return .empty }
            return IntRange(low: exact, high: exact)
        case .less:
            guard let c = value.ceiling, c != .min else { return value.ceiling == nil && value.double > 0 ? .all : .empty }
            return IntRange(low: .min, high: c - 1)
        case .lessOrEqual:
            guard let f = value.floor else { return value.double > 0 ? .all : .empty }
            return IntRange(low: .min, high: f)
        case .greater:
            guard let f = value.floor, f != .max else { return value.floor == nil && value.double < 0 ? .all : .empty }
            return IntRange(low: f + 1, high: .max)
        case .greaterOrEqual:
            guard let c = value.ceiling else { return value.double < 0 ? .all : .empty }
            return IntRange(low: c, high: .max)
        }
    }

    static func between(_ low: NumberValue, _ high: NumberValue) -> IntRange {
        let lo = of(.greaterOrEqual, low), hi = of(.lessOrEqual, high)
        return IntRange(low: Swift.max(lo.low, hi.low), high: Swift.min(lo.high, hi.high))
    }

    /// Clamped into `-bound...bound` (for arithmetic on day counts that cannot overflow).
    func clamped(to bound: Int64) -> IntRange {
        if isEmpty { return self }
        return IntRange(low: Swift.max(-bound, Swift.min(bound, low)), high: Swift.max(-bound, Swift.min(bound, high)))
    }
}
