/// Text from input files made safe to print on a terminal.
///
/// A population value, a gateway's answer or an address is data, and data
/// can hold bytes a terminal obeys: ESC starts a control sequence (colours,
/// cursor moves, window titles), CR and LF start a new line that can forge
/// a report line (`line 2: …`), bidi overrides reorder what follows them.
/// `escaped(_:)` writes every such character as a visible escape, so what is
/// printed is exactly one line showing what the value holds.
public enum TerminalText {
    /// `text` with C0 controls, DEL, C1 controls and the bidi embedding,
    /// override and isolate characters written as `\n`, `\r`, `\t` or
    /// `\u{..}` (hex scalar value). Everything else, Arabic included, is
    /// kept as is.
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else {
                out.append(scalar)
                continue
            }
            let form: String
            switch scalar {
            case "\n": form = "\\n"
            case "\r": form = "\\r"
            case "\t": form = "\\t"
            default: form = "\\u{" + String(scalar.value, radix: 16) + "}"
            }
            out.append(contentsOf: form.unicodeScalars)
        }
        return String(out)
    }

    /// A character a terminal acts on or that reorders the text after it.
    public static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true     // C0, DEL, C1 (0x9B is an 8-bit CSI)
        case 0x202A...0x202E, 0x2066...0x2069: return true // LRE RLE PDF LRO RLO, LRI RLI FSI PDI
        default: return false
        }
    }
}
