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
/// with at most three fraction digits (ICU's default number format, rounding
/// the decimal half-even), so `1.0` counts as `1`, `2.50` as `2.5` and
/// `2.0005` as `2`.
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
        let whole = Self.thousandths(magnitude)
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

    /// `magnitude` (finite, below 9e15) in thousandths, rounded as ICU shows
    /// it: ICU formats a double from its shortest round-trip decimal (the
    /// digits `description` prints) and rounds that decimal half-even. Rounding
    /// the binary value instead would take 2.0005 (stored a hair above) to
    /// 2.001 while the message shows 2, and pick the wrong plural form.
    static func thousandths(_ magnitude: Double) -> Int64 {
        // "2.0005", "1e-05", "1.5e-07", "12345678.0": digits × 10^exponent.
        var digits: [UInt8] = []
        var exponent = 0
        var afterPoint = false
        var text = Substring(magnitude.description)
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = text[..<e]
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "."): afterPoint = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                digits.append(byte - UInt8(ascii: "0"))
                if afterPoint { exponent -= 1 }
            default: break
            }
        }
        let shift = exponent + 3
        if shift >= 0 {
            var whole: Int64 = 0
            for d in digits { whole = whole &* 10 &+ Int64(d) }
            for _ in 0..<shift { whole = whole &* 10 }
            return whole
        }
        let dropped = -shift
        let kept = max(0, digits.count - dropped)
        var whole: Int64 = 0
        for d in digits[..<kept] { whole = whole &* 10 &+ Int64(d) }
        // The dropped digits, with leading zeros when they reach past the first digit.
        let tail = [UInt8](repeating: 0, count: max(0, dropped - digits.count)) + digits[kept...]
        guard let first = tail.first else { return whole }
        let restIsZero = tail.dropFirst().allSatisfy { $0 == 0 }
        if first > 5 || (first == 5 && (!restIsZero || whole % 2 == 1)) { whole += 1 }
        return whole
    }

    /// True when `n` is an integer (so `n % 100 = 3..10` style ranges can match).
    var isInteger: Bool { v == 0 }
}
