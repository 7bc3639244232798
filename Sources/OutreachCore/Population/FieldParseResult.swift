/// What became of one raw value on import.
///
/// `missing` is a blank value (not an error); `rejected` is a value that
/// does not parse for its field type: it is stored as missing and counted
/// in the import report.
public enum FieldParseResult: Sendable, Equatable {
    case value(Value)
    case missing
    case rejected
}
