/// Why an email could not be built. Nothing is sent when building fails.
///
/// Addresses are checked strictly: a line break or a malformed address is an
/// error, never passed through, so no substituted value can add a header
/// (`Bcc:`) or a recipient. Display text (subject, names) is repaired
/// instead — see `HeaderText.singleLine(_:)`.
public struct EmailError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was refused.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// A CR or LF (or another line separator) inside an address or URI:
        /// the classic header-injection attempt.
        case lineBreak
        /// Not an address the gateway can put in `MAIL FROM`/`RCPT TO`.
        case invalidAddress
        /// A `List-Unsubscribe` target or `Message-ID` that cannot be a header value.
        case invalidHeaderValue
        /// A message with no recipient, or one the builder cannot express.
        case invalidMessage
    }

    public var kind: Kind
    public var message: String
    public var hint: String?

    public init(_ kind: Kind, _ message: String, hint: String? = nil) {
        self.kind = kind
        self.message = message
        self.hint = hint
    }

    public var description: String {
        var text = "error: \(message)"
        if let hint { text += "\n  hint: \(hint)" }
        return text
    }

    /// The value as it can be shown on one line: control characters escaped
    /// (`\r`, `\n`, `\u{…}`) so an error message cannot itself be split.
    static func shown(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\r": out += "\\r"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default:
                if HeaderText.isLineBreakOrControl(scalar) {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
