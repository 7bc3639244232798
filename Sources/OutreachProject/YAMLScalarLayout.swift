import OutreachCore

/// Where a YAML scalar's value sits in its file, character by character.
///
/// YAML hands back a scalar's value with its layout gone: a folded block
/// (`>`) or a plain or quoted scalar written over several lines is joined
/// into one line, every line's indentation is stripped, blank lines become
/// line breaks. An error found in the value (a template's unclosed brace on
/// the third line of `text: >-`) must still point at the file's line and
/// column, so this lines the value up with the file lines it was read from:
/// every file line's content appears in the value verbatim and in order,
/// separated only by what folding puts between lines (spaces, line breaks,
/// a literal block's extra indentation).
enum YAMLScalarLayout {
    /// The runs of `value` along the file's `lines`, or nil when the value
    /// cannot be lined up (escapes in a quoted scalar change its text; the
    /// caller then falls back to the simple layout).
    ///
    /// - Parameters:
    ///   - firstLine: 1-based line where the content starts.
    ///   - firstColumn: character index (0-based) where the content starts on
    ///     `firstLine`; nil for block scalars, whose lines start at their
    ///     indentation.
    ///   - quote: the quote character of a quoted scalar.
    static func runs(of value: String, lines: [String], firstLine: Int, firstColumn: Int?,
                     quote: Character? = nil) -> [SourceText.Run]? {
        let chars = Array(value)
        var runs: [SourceText.Run] = []
        var position = 0
        var lineNumber = firstLine
        while position < chars.count, lineNumber >= 1, lineNumber <= lines.count {
            let text = lines[lineNumber - 1]
            let line = Array(text)
            var start: Int
            if lineNumber == firstLine, let firstColumn {
                start = firstColumn
            } else {
                start = 0
                while start < line.count, line[start] == " " || line[start] == "\t" { start += 1 }
            }
            guard start < line.count else {
                // A blank line: YAML turned it into a line break of the value.
                lineNumber += 1
                continue
            }
            // Skip what YAML put between the previous line and this one.
            var at = position
            while at < chars.count, chars[at] != line[start], chars[at] == " " || chars[at] == "\n" || chars[at] == "\t" { at += 1 }
            var matched = 0
            while at + matched < chars.count, start + matched < line.count, chars[at + matched] == line[start + matched] { matched += 1 }
            guard matched > 0 else { return nil }
            if let quote {
                // Escapes (`\n`, `''`) make the value differ from the file:
                // columns past them would be wrong, so give up on the layout.
                let written = line[start..<min(line.count, start + matched + 1)]
                if quote == "\"" && written.contains("\\") { return nil }
                if quote == "'" && start + matched + 1 < line.count && line[start + matched] == "'" && line[start + matched + 1] == "'" {
                    return nil
                }
            }
            runs.append(SourceText.Run(offset: at, line: lineNumber, column: start + 1, lineText: text))
            position = at + matched
            lineNumber += 1
        }
        // What is left may only be what YAML adds at the end (kept line breaks).
        guard chars[min(position, chars.count)...].allSatisfy({ $0 == "\n" || $0 == " " }) else { return nil }
        return runs
    }

    /// The character index on `line` of a YAML mark's 1-based column, which
    /// counts Unicode scalars (an Arabic letter and its vowel mark are two
    /// scalars but one character).
    static func characterIndex(ofMarkColumn column: Int, in line: String) -> Int {
        var scalars = 0, characters = 0
        for character in line {
            if scalars >= column - 1 { break }
            scalars += character.unicodeScalars.count
            characters += 1
        }
        return characters
    }
}
