/// The file formats a population can be imported from.
public enum PopulationFormat: String, Sendable, Codable {
    case csv
    case jsonLines = "jsonl"

    /// From a file name's extension: `.csv`, `.jsonl` or `.ndjson` (any case).
    public init?(fileName: String) {
        guard let dot = fileName.lastIndex(of: ".") else { return nil }
        switch fileName[fileName.index(after: dot)...].lowercased() {
        case "csv": self = .csv
        case "jsonl", "ndjson": self = .jsonLines
        default: return nil
        }
    }
}
