/// A CLDR plural category, the keyword a `plural` case is written with.
///
/// Which categories a language uses (and for which numbers) is decided by
/// `PluralRules`; Arabic uses all six, English only `one` and `other`.
public enum PluralCategory: String, Sendable, Hashable, CaseIterable {
    case zero, one, two, few, many, other

    /// Index into a six-slot table of cases (order of declaration).
    var slot: Int {
        switch self {
        case .zero: return 0
        case .one: return 1
        case .two: return 2
        case .few: return 3
        case .many: return 4
        case .other: return 5
        }
    }
}

/// The CLDR plural operands of a number (see UTS #35, "Plural Operand Meanings").
///
/// `n` absolute value, `i` integer digits, `v` number of visible fraction
/// digits, `f` visible fraction digits as an integer, `t` the same without
/// trailing zeros. Built from the number as it is shown: a decimal is taken
/// with at most three fraction digits (ICU's default number format), so
/// `1.0` counts as `1` and `2.50` as `2.5`.
public struct PluralOperands: Sendable, Hashable {
    public var n: Double
    public var i: Int64
    public var v: Int
    public var f: Int64
    public var t: Int64

    public init(_ value: Int64) {
        let magnitude = value == Int64.min ? Int64.max : Swift.abs(value)
        n = Double(magnitude)
        i = magnitude
        v = 0
        f = 0
        t = 0
    }

    public init(_ value: Double) {
        let magnitude = Swift.abs(value)
        guard magnitude.isFinite, magnitude < 9.0e15 else {
            n = magnitude.isFinite ? magnitude : 0
            i = magnitude.isFinite ? Int64(clamping: Int64(exactly: magnitude.rounded(.down)) ?? Int64.max) : 0
            v = 0
            f = 0
            t = 0
            return
        }
        // Round half-even to three fraction digits, as the default number format shows it.
        let scaled = (magnitude * 1000).rounded(.toNearestOrEven)
        let whole = Int64(scaled)
        var fraction = whole % 1000
        var digits = 3
        while digits > 0 && fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        i = whole / 1000
        v = digits
        f = fraction
        t = fraction
        n = Double(whole) / 1000
    }

    /// True when `n` is an integer (so `n % 100 = 3..10` style ranges can match).
    var isInteger: Bool { v == 0 }
}
