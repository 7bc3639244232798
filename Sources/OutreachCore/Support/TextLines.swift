/// A text's lines, split where YAML and diff(1) split them: at LF, CRLF or a
/// lone CR (a `Character` holds CRLF as one).
public enum TextLines {
    /// `text`'s lines without their breaks. With `keepingLastEmpty`, a text
    /// ending in a line break has an empty last line (as a YAML file's line
    /// numbers count it); without, it does not (as diff counts lines).
    public static func split(_ text: String, keepingLastEmpty: Bool) -> [String] {
        var lines: [String] = []
        var current = ""
        for character in text {
            if character == "\n" || character == "\r\n" || character == "\r" {
                lines.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        if keepingLastEmpty || !current.isEmpty { lines.append(current) }
        return lines
    }
}
