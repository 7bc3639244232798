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
    /// Where runs of `text` sit in the file, when `text` is not laid out line
    /// for line as the file writes it: YAML folds a `>` block or a multi-line
    /// plain scalar into one line and strips every line's indentation. Each
    /// run starts at a character offset of `text` and continues along one
    /// file line. Empty: `line`, `column` and `continuationColumn` describe
    /// the layout.
    public var runs: [Run] = []

    /// A stretch of `text` that sits on one line of the file.
    public struct Run: Sendable, Equatable {
        /// Character offset in `text` where the run starts.
        public var offset: Int
        public var line: Int
        /// The file column (1-based, in characters) of the run's first character.
        public var column: Int
        /// That whole line of the file, for the caret under an error.
        public var lineText: String

        public init(offset: Int, line: Int, column: Int, lineText: String) {
            self.offset = offset
            self.line = line
            self.column = column
            self.lineText = lineText
        }
    }

    public init(_ text: String, file: String? = nil, line: Int = 1, column: Int = 1, continuationColumn: Int = 1) {
        self.text = text
        self.file = file
        self.line = line
        self.column = column
        self.continuationColumn = continuationColumn
    }

    /// Location in the file of the character at `offset` (in Characters) inside `text`.
    public func location(atCharacterOffset offset: Int) -> SourceLocation {
        if let (run, column) = run(atCharacterOffset: offset) {
            return SourceLocation(file: file, line: run.line, column: column)
        }
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
    /// With `runs`, the file's own line and column.
    public func snippet(atCharacterOffset offset: Int) -> (line: String, column: Int) {
        if let (run, column) = run(atCharacterOffset: offset) { return (run.lineText, column) }
        let chars = Array(text)
        let clamped = max(0, min(offset, chars.count))
        var start = clamped
        while start > 0 && chars[start - 1] != "\n" && chars[start - 1] != "\r\n" { start -= 1 }
        var end = clamped
        while end < chars.count && chars[end] != "\n" && chars[end] != "\r\n" { end += 1 }
        return (String(chars[start..<end]), clamped - start + 1)
    }

    /// The run holding `offset` (the last one starting at or before it) and
    /// the file column of `offset` along it. A character YAML put between two
    /// lines (the space of a fold) is placed just after the earlier line's end.
    private func run(atCharacterOffset offset: Int) -> (Run, Int)? {
        guard var found = runs.first else { return nil }
        var low = 0, high = runs.count - 1
        while low <= high {
            let mid = (low + high) / 2
            if runs[mid].offset <= offset {
                found = runs[mid]
                low = mid + 1
            } else {
                high = mid - 1
            }
        }
        return (found, found.column + max(0, offset - found.offset))
    }
}
