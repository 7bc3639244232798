/// Digit shapes: Western (0-9), Arabic-Indic (٠-٩) and Extended
/// Arabic-Indic/Persian (۰-۹).
public enum Digits: String, Sendable, Codable {
    case latin = "latn"
    case arabic = "arab"

    /// Replaces Arabic-Indic and Persian digits with ASCII ones; other
    /// characters are kept.
    public static func toASCII(_ text: some StringProtocol) -> String {
        var needs = false
        for u in text.unicodeScalars where (0x0660...0x0669).contains(u.value) || (0x06F0...0x06F9).contains(u.value) {
            needs = true
            break
        }
        guard needs else { return String(text) }
        var out = String.UnicodeScalarView()
        for u in text.unicodeScalars {
            switch u.value {
            case 0x0660...0x0669: out.append(Unicode.Scalar(u.value - 0x0660 + 0x30)!)
            case 0x06F0...0x06F9: out.append(Unicode.Scalar(u.value - 0x06F0 + 0x30)!)
            default: out.append(u)
            }
        }
        return String(out)
    }

    /// Writes ASCII digits in this shape (Arabic also maps `.`→`٫` and `,`→`٬`
    /// only when `separators` is true).
    public func shape(_ text: String, separators: Bool = false) -> String {
        guard self == .arabic else { return text }
        var out = String.UnicodeScalarView()
        for u in text.unicodeScalars {
            switch u.value {
            case 0x30...0x39: out.append(Unicode.Scalar(u.value - 0x30 + 0x0660)!)
            case 0x2E where separators: out.append("\u{066B}")
            case 0x2C where separators: out.append("\u{066C}")
            default: out.append(u)
            }
        }
        return String(out)
    }
}
