/// Header values as RFC 5322 wants them: one logical line, folded at ≤ 78
/// characters, with anything outside printable ASCII carried in RFC 2047
/// encoded-words.
public enum HeaderText {
    /// The longest physical header line the builder writes (RFC 5322 §2.1.1 "SHOULD").
    public static let maxLineLength = 78

    /// CR, LF, NEL, LINE/PARAGRAPH SEPARATOR, other C0 controls and DEL.
    /// Any of these could end a header line somewhere along the way.
    public static func isLineBreakOrControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F, 0x85, 0x2028, 0x2029: true
        default: false
        }
    }

    /// Display text (a subject, a display name) made single-line: every run
    /// of line breaks, tabs and control characters becomes one space, and
    /// the ends are trimmed. Display text is repaired rather than refused —
    /// a stray newline in a rendered subject is not worth losing a message
    /// over — but nothing after a line break can ever become a header.
    public static func singleLine(_ text: String) -> String {
        // In UTF-8 every scalar `isLineBreakOrControl` matches has a byte
        // below 0x20, 0x7F, or starts with 0xC2 (U+0085) or 0xE2 (U+2028/9);
        // without any of those the text is already one line.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 || $0 == 0xE2 }) {
            return text.trimmingASCIIWhitespace()
        }
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            if isLineBreakOrControl(scalar) {
                pendingSpace = true
                continue
            }
            if pendingSpace {
                if let last = out.last, last != " " { out.append(" ") }
                pendingSpace = false
            }
            out.append(scalar)
        }
        return String(out).trimmingASCIIWhitespace()
    }

    /// Whether `text` can be written as it is: printable ASCII and spaces,
    /// nothing that a decoder would take for an encoded-word.
    static func isPlainASCII(_ text: String) -> Bool {
        var previous: UInt8 = 0
        for byte in text.utf8 {
            guard byte >= 0x20 && byte < 0x7F, !(previous == UInt8(ascii: "=") && byte == UInt8(ascii: "?")) else {
                return false
            }
            previous = byte
        }
        return true
    }

    /// An unstructured header (`Subject`), folded. Plain ASCII whose words
    /// all fit on a folded line is written as is; anything else (Arabic, an
    /// over-long word) becomes B-encoded UTF-8 words.
    public static func unstructured(name: String, value: String) -> String {
        let text = singleLine(value)
        if isPlainASCII(text) {
            // Fits on one line: what folding the words would give.
            if name.utf8.count + 2 + text.utf8.count <= maxLineLength {
                return name + ": " + text + "\r\n"
            }
            let words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            if words.allSatisfy({ $0.utf8.count <= maxLineLength - 1 }) {
                return fold(name: name, tokens: words)
            }
        }
        return fold(name: name, tokens: EncodedWord.encode(text, firstRoom: firstRoom(name)))
    }

    /// An address header (`From`, `To`): each mailbox as `phrase <addr>`,
    /// separated by commas. ASCII names made of atoms are written plainly,
    /// any other name as encoded-words.
    public static func addressList(name: String, mailboxes: [Mailbox]) -> String {
        // One mailbox whose name is plain atoms, on one line: what the
        // tokens below would fold to.
        if mailboxes.count == 1, let mailbox = mailboxes.first {
            let address = mailbox.address.description
            if let displayName = mailbox.displayName {
                if isAtomPhrase(displayName),
                   name.utf8.count + 2 + displayName.utf8.count + 3 + address.utf8.count <= maxLineLength {
                    return name + ": " + displayName + " <" + address + ">\r\n"
                }
            } else if name.utf8.count + 2 + address.utf8.count <= maxLineLength {
                return name + ": " + address + "\r\n"
            }
        }
        var tokens: [String] = []
        for (index, mailbox) in mailboxes.enumerated() {
            var mailboxTokens: [String] = []
            if let displayName = mailbox.displayName {
                let atoms = displayName.split(separator: " ").map(String.init)
                if atoms.allSatisfy({ $0.utf8.allSatisfy(EmailAddress.isAtext) && $0.utf8.count <= maxLineLength - 1 }) {
                    mailboxTokens += atoms
                } else {
                    mailboxTokens += EncodedWord.encode(displayName, firstRoom: tokens.isEmpty ? firstRoom(name) : 75)
                }
                mailboxTokens.append("<\(mailbox.address)>")
            } else {
                mailboxTokens.append(mailbox.address.description)
            }
            if index < mailboxes.count - 1 { mailboxTokens[mailboxTokens.count - 1] += "," }
            tokens += mailboxTokens
        }
        return fold(name: name, tokens: tokens)
    }

    /// Atoms (`atext`) separated by single spaces, nothing else.
    static func isAtomPhrase(_ text: String) -> Bool {
        var previous = UInt8(ascii: " ")
        for byte in text.utf8 {
            if byte == UInt8(ascii: " ") {
                guard previous != byte else { return false }
            } else if !EmailAddress.isAtext(byte) {
                return false
            }
            previous = byte
        }
        return previous != UInt8(ascii: " ")
    }

    /// Room for the first encoded-word after `Name: ` (an encoded-word is at most 75 characters).
    static func firstRoom(_ name: String) -> Int {
        min(75, maxLineLength - name.utf8.count - 2)
    }

    /// Lays tokens out after `Name: `, separated by single spaces, starting
    /// a continuation line (CRLF SP) before a token that would pass 78
    /// characters. Unfolding (removing the CRLFs) gives back the tokens
    /// joined by spaces; between encoded-words that space is not part of
    /// the decoded text.
    static func fold(name: String, tokens: [String]) -> String {
        var out = name + ":"
        var lineLength = out.utf8.count
        for token in tokens {
            let length = token.utf8.count
            if lineLength + 1 + length > maxLineLength, lineLength > 1, !token.isEmpty {
                out += "\r\n"
                lineLength = 0
            }
            out += " " + token
            lineLength += 1 + length
        }
        return out + "\r\n"
    }
}
