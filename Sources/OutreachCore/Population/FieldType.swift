/// The type of a population field, declared in the schema YAML.
/// Columns the schema does not name are `text`.
public enum FieldType: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case text
    case int
    case decimal
    case bool
    case date
    case hijriDate = "hijri_date"
    case gender
    case phone
    case email

    /// `hijri_date` values are converted on import and stored as days, so
    /// rules and templates see one date type.
    public var storage: FieldType {
        self == .hijriDate ? .date : self
    }

    public var isNumeric: Bool { self == .int || self == .decimal }
    public var isTextLike: Bool { self == .text || self == .phone || self == .email }

    public var description: String { rawValue }
}

/// Grammatical gender of a recipient (from the `gender` field type).
public enum Gender: UInt8, Sendable, Codable, Hashable {
    case male = 0
    case female = 1

    public var name: String { self == .male ? "male" : "female" }
}

/// One typed value of one field of one record. A missing value is `nil`
/// wherever a `Value?` is used.
public enum Value: Sendable, Hashable, CustomStringConvertible {
    case text(String)
    case int(Int64)
    case decimal(Double)
    case bool(Bool)
    case date(Day)
    case gender(Gender)

    public var description: String {
        switch self {
        case .text(let s): return s
        case .int(let i): return String(i)
        case .decimal(let d): return String(d)
        case .bool(let b): return b ? "true" : "false"
        case .date(let d): return d.iso
        case .gender(let g): return g.name
        }
    }
}
