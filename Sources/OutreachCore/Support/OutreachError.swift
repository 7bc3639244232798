/// An error a person can act on: what went wrong, where, and how to fix it.
///
/// Every failure caused by input (a project file, a population row, a rule,
/// a template) is reported as an `OutreachError` with a code for scripts,
/// a message for people, and the location when there is one. The CLI prints
/// `description` to stderr and exits non-zero; it never shows a stack trace.
public struct OutreachError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The kind of problem, for scripts (`--json`); raw values are stable.
    public enum Code: String, Sendable, Codable {
        case syntax            // cannot be parsed (rule, template, YAML)
        case unknownField      // names a field the schema does not have
        case typeMismatch      // e.g. age(city)
        case unknownName       // unknown audience, template, campaign, key
        case cycle             // audiences that include each other
        case invalidValue      // a value that does not fit (date, number, sender)
        case missingFile       // a file or folder that is not there
        case io                // cannot read or write
        case invalidProject    // outreach.yaml or layout problems
    }

    public var code: Code
    public var message: String
    public var location: SourceLocation?
    /// The offending source line, shown with a caret under `caretColumn`.
    public var sourceLine: String?
    public var caretColumn: Int?
    /// What to do about it, when there is something useful to say.
    public var hint: String?

    public init(_ code: Code, _ message: String, at location: SourceLocation? = nil,
                sourceLine: String? = nil, caretColumn: Int? = nil, hint: String? = nil) {
        self.code = code
        self.message = message
        self.location = location
        self.sourceLine = sourceLine
        self.caretColumn = caretColumn
        self.hint = hint
    }

    /// Builds an error located at a character offset of a `SourceText`,
    /// with the source line and a caret.
    public init(_ code: Code, _ message: String, in source: SourceText, atCharacterOffset offset: Int, hint: String? = nil) {
        let snippet = Self.window(source.snippet(atCharacterOffset: offset))
        self.init(code, message, at: source.location(atCharacterOffset: offset),
                  sourceLine: snippet.line, caretColumn: snippet.column, hint: hint)
    }

    /// A long source line (a generated rule, a deeply nested message) cut to
    /// the characters around the caret, so the error stays one screen line.
    static func window(_ snippet: (line: String, column: Int), radius: Int = 60) -> (line: String, column: Int) {
        let chars = Array(snippet.line)
        guard chars.count > 2 * radius + 40 else { return snippet }
        let caret = max(0, min(snippet.column - 1, chars.count))
        let start = max(0, caret - radius), end = min(chars.count, caret + radius)
        let head = start > 0 ? "…" : "", tail = end < chars.count ? "…" : ""
        return (head + String(chars[start..<end]) + tail, caret - start + head.count + 1)
    }

    public var description: String {
        var text = ""
        if let location { text += "\(location): " }
        text += "error: \(message)"
        if let sourceLine, let caretColumn {
            text += "\n    \(sourceLine)\n    \(String(repeating: " ", count: max(0, caretColumn - 1)))^"
        }
        if let hint { text += "\n  hint: \(hint)" }
        return text
    }
}
