import OutreachCore
import Yams

extension YAMLFile {
    /// Yams refuses a mapping that writes a key twice, but names only the
    /// key and where it is first written, and quotes the whole file. This
    /// finds where it is written again — the line to fix — so the error is
    /// located like every other one.
    static func duplicateKeyError(_ key: String, firstMark: Mark, path: String, text: String) -> OutreachError {
        let file = YAMLFile(path: path, text: text, root: .mapping(.init([])))
        let firstLine = firstMark.line
        var at = SourceLocation(file: path, line: firstLine, column: firstMark.column)
        if let again = file.repeatedKey(key, after: firstMark) { at = again }
        let source = file.sourceLine(at.line)
        let message = at.line == firstLine && at.column == firstMark.column
            ? "key '\(key)' is written twice in one mapping"
            : "key '\(key)' is written twice in one mapping (first at line \(firstLine))"
        return OutreachError(.invalidValue, message, at: at, sourceLine: source, caretColumn: source == nil ? nil : at.column,
                             hint: "keep one of them: YAML would silently use only one of the values")
    }

    /// The next place after `first` where `key` is written as a key of the
    /// same mapping: in a block mapping at the same column; in a flow mapping
    /// (`{a: 1, a: 2}`) further along the line or on a later one.
    private func repeatedKey(_ key: String, after first: Mark) -> SourceLocation? {
        guard first.line >= 1, first.line <= lines.count, !key.isEmpty else { return nil }
        let firstLine = Array(lines[first.line - 1])
        let firstIndex = YAMLScalarLayout.characterIndex(ofMarkColumn: first.column, in: lines[first.line - 1])
        let block = firstLine[..<min(firstIndex, firstLine.count)].allSatisfy { $0 == " " || $0 == "-" }
        let keyChars = Array(key)
        for lineNumber in first.line...lines.count {
            let line = Array(lines[lineNumber - 1])
            var index = lineNumber == first.line ? firstIndex + 1 : 0
            while index < line.count {
                defer { index += 1 }
                if block && index != firstIndex { continue }
                var start = index
                let quote: Character? = line[index] == "\"" || line[index] == "'" ? line[index] : nil
                if quote != nil { start += 1 }
                guard start + keyChars.count <= line.count, Array(line[start..<(start + keyChars.count)]) == keyChars else { continue }
                var end = start + keyChars.count
                if let quote {
                    guard end < line.count, line[end] == quote else { continue }
                    end += 1
                }
                while end < line.count, line[end] == " " { end += 1 }
                guard end < line.count, line[end] == ":" else { continue }
                // A key starts a line (after indentation or `- `) or follows `{` or `,`.
                var before = index - 1
                while before >= 0, line[before] == " " { before -= 1 }
                guard before < 0 || line[before] == "{" || line[before] == "," || line[before] == "-" else { continue }
                return SourceLocation(file: path, line: lineNumber, column: index + 1)
            }
        }
        return nil
    }
}
