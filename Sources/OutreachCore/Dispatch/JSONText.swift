/// JSON text for literal values placed in body templates.
public enum JSONText {
    /// `value` as a JSON string literal, quotes included.
    public static func quoted(_ value: String) -> String { "\"" + escaped(value) + "\"" }

    /// `value` escaped for the inside of a JSON string literal (no quotes).
    /// Non-ASCII text (Arabic) stays as UTF-8, as JSON allows.
    public static func escaped(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for s in value.unicodeScalars {
            switch s {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if s.value < 0x20 || s.value == 0x2028 || s.value == 0x2029 {
                    out += "\\u" + hex4(s.value)
                } else {
                    out.unicodeScalars.append(s)
                }
            }
        }
        return out
    }

    private static func hex4(_ v: UInt32) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(v >> 12 & 0xF)], digits[Int(v >> 8 & 0xF)], digits[Int(v >> 4 & 0xF)], digits[Int(v & 0xF)]])
    }
}
