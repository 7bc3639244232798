/// A type-checked rule, lowered to column operations. Holds names and
/// prepared literals only, no data, so it can be compiled once and run over
/// any population with the same field types.
indirect enum RulePlan: Sendable {
    case constant(Bool)
    case and(RulePlan, RulePlan)
    case or(RulePlan, RulePlan)
    case not(RulePlan)
    case audience(String, offset: Int)
    /// A predicate decided once per distinct value of a text column.
    case text(field: String, test: TextTest)
    /// Bool/gender column: state (0 false, 1 true, 2 unknown) per byte value.
    case byteTable(field: String, table: [UInt8])
    case intRange(field: String, IntRange)
    case decimalRange(field: String, low: Double, high: Double)
    /// A date column, or an int function of one (age, days_since, days_until),
    /// in a range; turned into a range of days once `today` is known.
    case dayRange(field: String, DayFunction, IntRange)
    /// True where the field is missing, false elsewhere (never unknown).
    case isMissing(field: String)
    /// Two non-literal operands compared row by row.
    case columns(ValueSource, ComparisonOperator, ValueSource)
}

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

/// A numeric literal: integers stay exact.
enum NumberValue: Sendable, Equatable {
    case int(Int64)
    case decimal(Double)

    init?(_ text: String) {
        let ascii = Digits.toASCII(text)
        if !ascii.contains("."), let i = Int64(ascii) {
            self = .int(i)
        } else if let d = Double(ascii), d.isFinite {
            self = .decimal(d)
        } else {
            return nil
        }
    }

    var double: Double {
        switch self {
        case .int(let i): return Double(i)
        case .decimal(let d): return d
        }
    }

    var exactInt: Int64? {
        switch self {
        case .int(let i): return i
        case .decimal(let d): return d.rounded() == d ? NumberValue.toInt(d) : nil
        }
    }

    /// Smallest integer ≥ value; nil when out of Int64 range.
    var ceiling: Int64? {
        switch self {
        case .int(let i): return i
        case .decimal(let d): return NumberValue.toInt(d.rounded(.up))
        }
    }

    /// Largest integer ≤ value; nil when out of Int64 range.
    var floor: Int64? {
        switch self {
        case .int(let i): return i
        case .decimal(let d): return NumberValue.toInt(d.rounded(.down))
        }
    }

    private static func toInt(_ d: Double) -> Int64? {
        guard d >= -9.2e18 && d <= 9.2e18 else { return nil }
        return Int64(d)
    }
}

/// What a date column goes through before comparison.
enum DayFunction: String, Sendable {
    case identity
    case age = "age"
    case daysSince = "days_since"
    case daysUntil = "days_until"
}

/// A non-literal operand.
enum ValueSource: Sendable {
    /// `type` is the storage type (`hijri_date` is `date`).
    case field(String, FieldType)
    case dayFunction(DayFunction, String)
    case length(String)

    var field: String {
        switch self {
        case .field(let f, _), .dayFunction(_, let f), .length(let f): return f
        }
    }

    /// The type the operand yields: functions yield ints.
    var type: FieldType {
        switch self {
        case .field(_, let t): return t
        case .dayFunction, .length: return .int
        }
    }
}

/// A predicate on one text value, computed once per dictionary entry on
/// the entry's comparison key (`ArabicText.normalize`, or E.164 for phones).
struct TextTest: Sendable {
    enum Kind: Sendable {
        case equalsAny(Set<String>)
        case range(low: String?, lowInclusive: Bool, high: String?, highInclusive: Bool)
        case contains(String)
        case startsWith(String)
        /// Missing or blank (white space only).
        case isEmpty
        /// `len(field)` in a range: characters of the raw value.
        case length(IntRange)
    }

    var kind: Kind
    /// Keys are E.164 numbers (phone fields) rather than folded text.
    var phone: Bool

    /// Comparison key of a stored value.
    static func key(_ value: String, phone: Bool) -> String {
        if phone, let e164 = PhoneLiteral.normalize(value) { return e164 }
        return ArabicText.normalize(value)
    }

    /// State for one dictionary entry (code > 0): 0 false, 1 true.
    func verdict(_ value: String) -> UInt8 {
        switch kind {
        case .isEmpty:
            return value.allSatisfy(\.isWhitespace) ? 1 : 0
        case .length(let r):
            let n = Int64(value.count)
            return n >= r.low && n <= r.high ? 1 : 0
        default:
            break
        }
        let k = TextTest.key(value, phone: phone)
        switch kind {
        case .equalsAny(let set):
            return set.contains(k) ? 1 : 0
        case .range(let low, let lowInclusive, let high, let highInclusive):
            if let low, lowInclusive ? k < low : k <= low { return 0 }
            if let high, highInclusive ? k > high : k >= high { return 0 }
            return 1
        case .contains(let needle):
            return needle.isEmpty || k.contains(needle) ? 1 : 0
        case .startsWith(let prefix):
            return k.hasPrefix(prefix) ? 1 : 0
        case .isEmpty, .length:
            return 0
        }
    }

    /// State of the missing value (code 0).
    var missingVerdict: UInt8 {
        if case .isEmpty = kind { return 1 }
        return 2
    }
}
