/// The character encoding of a population file, declared in the schema
/// (`encoding:`). UTF-8 is read as is; the others are converted to UTF-8 on
/// import, as they are read, so the rest of the import never sees them.
public enum PopulationEncoding: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case utf8 = "utf-8"
    /// Arabic Windows (CP1256): what Excel and many ministry systems export.
    case windows1256 = "windows-1256"
    /// Arabic ISO-8859-6 (older Unix systems); its unassigned bytes are errors.
    case iso88596 = "iso-8859-6"
    /// UTF-16, little- or big-endian as its byte-order mark says
    /// (little-endian, Windows' "Unicode", without one).
    case utf16 = "utf-16"

    /// From the schema's spelling: the names above in any case, and the
    /// usual aliases (`utf8`, `cp1256`, `iso8859-6`, `utf16`).
    public init?(name: String) {
        let key = name.lowercased().replacingOccurrences(of: "_", with: "-")
        switch key {
        case "utf-8", "utf8": self = .utf8
        case "windows-1256", "cp1256", "cp-1256": self = .windows1256
        case "iso-8859-6", "iso8859-6", "iso-88596": self = .iso88596
        case "utf-16", "utf16": self = .utf16
        default: return nil
        }
    }

    public var description: String { rawValue }

    /// The name `iconv -f` knows it by.
    public var iconvName: String {
        switch self {
        case .utf8: return "UTF-8"
        case .windows1256: return "CP1256"
        case .iso88596: return "ISO-8859-6"
        case .utf16: return "UTF-16"
        }
    }
}
