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
