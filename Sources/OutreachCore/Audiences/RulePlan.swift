/// A type-checked rule, lowered to column operations. Holds names and
/// prepared literals only, no data, so it can be compiled once and run over
/// any population with the same field types.
indirect enum RulePlan: Sendable {
    case constant(Bool)
    /// Two or more terms, evaluated in a loop (a generated rule may have thousands).
    case and([RulePlan])
    case or([RulePlan])
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
