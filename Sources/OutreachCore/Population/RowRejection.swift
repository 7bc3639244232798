/// Rows refused for one reason.
public struct RowRejection: Sendable, Codable, Equatable {
    /// Why a row was refused; raw values are stable (reports, `--json`).
    public enum Reason: String, Sendable, Codable, CaseIterable {
        case wrongColumnCount = "wrong_column_count"
        case missingID = "missing_id"
        case invalidID = "invalid_id"
        case duplicateID = "duplicate_id"
        case malformedQuotes = "malformed_quotes"
        case unterminatedQuote = "unterminated_quote"
        case runawayQuote = "runaway_quote"
        case invalidJSON = "invalid_json"

        /// For people.
        public var text: String {
            switch self {
            case .wrongColumnCount: return "wrong number of columns"
            case .missingID: return "missing or blank id"
            case .invalidID: return "id not valid for its type"
            case .duplicateID: return "duplicate id (the first row with it was kept)"
            case .malformedQuotes: return "text after a closing quote"
            case .unterminatedQuote: return "a quote never closed swallowed the rest of the file"
            case .runawayQuote: return "a quote closed only on a later line swallowed the lines between"
            case .invalidJSON: return "invalid JSON"
            }
        }
    }

    /// One refused row, by line number, with what was wrong.
    public struct Example: Sendable, Codable, Equatable {
        public var line: Int
        /// e.g. "expected 17 columns, found 16" or "invalid JSON: expected ':' at column 12".
        public var detail: String

        public init(line: Int, detail: String) {
            self.line = line
            self.detail = detail
        }
    }

    public init(reason: Reason, count: Int, examples: [Example]) {
        self.reason = reason
        self.count = count
        self.examples = examples
    }

    public var reason: Reason
    public var count: Int
    public var examples: [Example]

    public var exampleLines: [Int] { examples.map(\.line) }

    /// More rows were rejected for this reason than the examples show (an
    /// example of a quote left open stands for every record it swallowed).
    public var hasMoreExamples: Bool {
        switch reason {
        case .unterminatedQuote, .runawayQuote: return examples.count >= ImportReport.maxRowExamples
        default: return count > examples.count
        }
    }
}
