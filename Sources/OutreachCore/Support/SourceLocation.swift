/// A place in an input file that caused an error: 1-based line and column.
///
/// Parsers in the core work on strings; the project layer tells them where
/// the string started in its file (`SourceText`) so every error points at
/// the real spot.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String?
    public var line: Int
    public var column: Int

    public init(file: String? = nil, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String {
        "\(file ?? "<input>"):\(line):\(column)"
    }
}

/// A piece of source text with the position of its first character in its file.
///
/// `columnOffset` applies to the first line only (a value after `where: ` in
/// YAML starts mid-line); later lines start at `continuationColumn`.
public struct SourceText: Sendable {
    public var text: String
    public var file: String?
    public var line: Int
    public var column: Int
    public var continuationColumn: Int

    public init(_ text: String, file: String? = nil, line: Int = 1, column: Int = 1, continuationColumn: Int = 1) {
        self.text = text
        self.file = file
        self.line = line
        self.column = column
        self.continuationColumn = continuationColumn
    }

    /// Location in the file of the character at `offset` (in Characters) inside `text`.
    public func location(atCharacterOffset offset: Int) -> SourceLocation {
        var line = self.line
        var column = self.column
        var seen = 0
        for ch in text {
            if seen >= offset { break }
            if ch == "\n" || ch == "\r\n" {
                line += 1
                column = continuationColumn
            } else {
                column += 1
            }
            seen += 1
        }
        return SourceLocation(file: file, line: line, column: column)
    }

    /// The line of `text` containing `offset` and the column of `offset` within it
    /// (1-based), for drawing a caret under the spot.
    public func snippet(atCharacterOffset offset: Int) -> (line: String, column: Int) {
        let chars = Array(text)
        let clamped = max(0, min(offset, chars.count))
        var start = clamped
        while start > 0 && chars[start - 1] != "\n" && chars[start - 1] != "\r\n" { start -= 1 }
        var end = clamped
        while end < chars.count && chars[end] != "\n" && chars[end] != "\r\n" { end += 1 }
        return (String(chars[start..<end]), clamped - start + 1)
    }
}
