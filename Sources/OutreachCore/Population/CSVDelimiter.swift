/// The character between the fields of a CSV record, declared in the
/// schema (`delimiter:`). Exports made with a European or Arabic locale
/// often use `;`; database dumps use tab or `|`.
public enum CSVDelimiter: UInt8, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case comma = 0x2C
    case semicolon = 0x3B
    case tab = 0x09
    case pipe = 0x7C

    /// From the schema: the character itself (`","`, `";"`, `"\t"`, `"|"`)
    /// or its name (`comma`, `semicolon`, `tab`, `pipe`).
    public init?(name: String) {
        switch name.lowercased() {
        case ",", "comma": self = .comma
        case ";", "semicolon": self = .semicolon
        case "\t", "tab", "\\t": self = .tab
        case "|", "pipe": self = .pipe
        default: return nil
        }
    }

    /// How to write it in schema.yaml.
    public var schemaSpelling: String {
        switch self {
        case .comma: return "delimiter: \",\""
        case .semicolon: return "delimiter: \";\""
        case .tab: return "delimiter: tab"
        case .pipe: return "delimiter: \"|\""
        }
    }

    public var description: String {
        self == .tab ? "tab" : "'\(String(UnicodeScalar(rawValue)))'"
    }
}
