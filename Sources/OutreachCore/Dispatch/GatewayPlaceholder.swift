/// The values an HTTP gateway's URL, headers and body templates can name.
///
/// A placeholder is `{name}` with a known name; any other brace is literal
/// text, so a JSON body template can be written as plain JSON. The gateway
/// escapes each value for where it lands (URL, form field, JSON string,
/// header).
public enum GatewayPlaceholder: String, Sendable, CaseIterable {
    /// The number in the gateway's `number_format`: `+9665…`, `9665…` or `009665…`.
    case to
    /// The message text (after smart encoding when the gateway turns it on).
    case text
    /// The sender id: the campaign's, else the gateway's default; empty when neither.
    case sender
    /// Outreach's own id for the message (a client reference for the provider).
    case messageID = "message_id"
    /// `gsm7` or `ucs2`.
    case encoding
    /// SMPP `data_coding`: `0` for GSM-7, `8` for UCS-2 (Jasmin's `coding`).
    case coding
    /// How many SMS parts the text costs.
    case parts
    /// The text when it is GSM-7, else empty (Jasmin's `content`).
    case gsm7Text = "gsm7_text"
    /// The text as UTF-16BE hex when it is UCS-2, else empty (Jasmin's `hex-content`).
    case ucs2Hex = "ucs2_hex"

    /// Placeholders whose value is a number (written bare outside JSON strings).
    public var isNumeric: Bool { self == .coding || self == .parts }

    /// One `{…}` found in a template.
    public struct Occurrence: Sendable, Equatable {
        /// The name between the braces (known or not).
        public var name: String
        /// Offsets in the template's unicode scalars of `{` and one past `}`.
        public var start: Int
        public var end: Int
        public var placeholder: GatewayPlaceholder? { GatewayPlaceholder(rawValue: name) }
    }

    /// Every `{identifier}` in `template`, in order: an identifier is ASCII
    /// letters, digits and `_`, starting with a letter. JSON's own braces
    /// (`{"a": 1}`, `{}`) never match.
    public static func occurrences(in template: String) -> [Occurrence] {
        let scalars = Array(template.unicodeScalars)
        var found: [Occurrence] = []
        var i = 0
        while i < scalars.count {
            guard scalars[i] == "{" else { i += 1; continue }
            var j = i + 1
            while j < scalars.count, isIdentifier(scalars[j]) { j += 1 }
            if j > i + 1, j < scalars.count, scalars[j] == "}", isLetter(scalars[i + 1]) {
                let name = String(String.UnicodeScalarView(scalars[(i + 1)..<j]))
                found.append(Occurrence(name: name, start: i, end: j + 1))
                i = j + 1
            } else {
                i += 1
            }
        }
        return found
    }

    private static func isLetter(_ s: Unicode.Scalar) -> Bool {
        (s >= "a" && s <= "z") || (s >= "A" && s <= "Z")
    }

    private static func isIdentifier(_ s: Unicode.Scalar) -> Bool {
        isLetter(s) || (s >= "0" && s <= "9") || s == "_"
    }
}
