import Foundation

/// An `addr-spec` (`local@domain`) fit for `MAIL FROM`, `RCPT TO` and headers.
///
/// Deliberately narrower than RFC 5322: a dot-atom local part and a DNS
/// domain with at least one dot, all ASCII. Quoted local parts, address
/// literals (`[192.0.2.1]`) and internationalized addresses (SMTPUTF8) are
/// refused with a hint rather than half-supported.
public struct EmailAddress: Sendable, Hashable, CustomStringConvertible {
    public let localPart: String
    public let domain: String

    /// Validates `text` as a bare address (no display name, no angle brackets).
    public init(_ text: String) throws(EmailError) {
        if text.unicodeScalars.contains(where: HeaderText.isLineBreakOrControl) {
            throw EmailError(.lineBreak, "the address \(EmailError.shown(text)) contains a line break or control character",
                             hint: "an address is one line; a line break here would add headers or recipients")
        }
        let trimmed = text.trimmingASCIIWhitespace()
        guard !trimmed.isEmpty else {
            throw EmailError(.invalidAddress, "the address is empty")
        }
        guard trimmed.unicodeScalars.allSatisfy(\.isASCII) else {
            throw EmailError(.invalidAddress, "the address \(EmailError.shown(trimmed)) is not ASCII",
                             hint: "internationalized addresses are not supported; write the domain in punycode (xn--…)")
        }
        guard trimmed.utf8.count <= 254 else {
            throw EmailError(.invalidAddress, "the address \(EmailError.shown(trimmed)) is longer than 254 characters")
        }
        // ASCII from here on: bytes are characters.
        let bytes = trimmed.utf8
        guard let at = bytes.firstIndex(of: UInt8(ascii: "@")),
              !bytes[bytes.index(after: at)...].contains(UInt8(ascii: "@")) else {
            throw EmailError(.invalidAddress, "the address \(EmailError.shown(trimmed)) must have exactly one '@'",
                             hint: "write it as name@example.com")
        }
        let local = String(trimmed[..<at])
        let domain = String(trimmed[bytes.index(after: at)...])
        guard Self.isDotAtom(local), local.utf8.count <= 64 else {
            throw EmailError(.invalidAddress, "the address \(EmailError.shown(trimmed)) has an invalid part before '@'",
                             hint: "letters, digits and !#$%&'*+-/=?^_`{|}~ separated by single dots, at most 64 characters")
        }
        guard Self.isHostname(domain) else {
            throw EmailError(.invalidAddress, "the address \(EmailError.shown(trimmed)) has an invalid domain",
                             hint: "a domain with at least one dot, such as example.com")
        }
        self.localPart = local
        self.domain = domain
    }

    public var description: String { "\(localPart)@\(domain)" }

    static func isAtext(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-/=?^_`{|}~".utf8.contains(byte)
        }
    }

    /// Atoms of `atext` separated by single dots.
    static func isDotAtom(_ text: String) -> Bool {
        isDotAtom(text.utf8)
    }

    static func isDotAtom(_ bytes: some Collection<UInt8>) -> Bool {
        var atomLength = 0
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard atomLength > 0 else { return false }
                atomLength = 0
            } else {
                guard isAtext(byte) else { return false }
                atomLength += 1
            }
        }
        return atomLength > 0
    }

    /// At least two labels of letters, digits and inner hyphens, each 1–63
    /// bytes, 253 at most in all.
    static func isHostname(_ text: String) -> Bool {
        isHostname(text.utf8)
    }

    static func isHostname(_ bytes: some Collection<UInt8>) -> Bool {
        guard bytes.count <= 253 else { return false }
        var labels = 1
        var labelLength = 0
        var previous: UInt8 = 0
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "."):
                guard (1...63).contains(labelLength), previous != UInt8(ascii: "-") else { return false }
                labels += 1
                labelLength = 0
            case UInt8(ascii: "-"):
                guard labelLength > 0 else { return false }
                labelLength += 1
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"):
                labelLength += 1
            default:
                return false
            }
            previous = byte
        }
        return labels >= 2 && (1...63).contains(labelLength) && previous != UInt8(ascii: "-")
    }
}

/// An address with an optional display name: `وزارة الصحة <noreply@moh.example>`.
public struct Mailbox: Sendable, Hashable, CustomStringConvertible {
    /// Shown to the reader; already made single-line. Any script.
    public var displayName: String?
    public var address: EmailAddress

    public init(displayName: String? = nil, address: EmailAddress) {
        let name = displayName.map(HeaderText.singleLine)
        self.displayName = (name?.isEmpty ?? true) ? nil : name
        self.address = address
    }

    /// Reads `Name <address>`, `"Name" <address>`, `<address>` or a bare
    /// address. A line break anywhere is an error (not repaired): a mailbox
    /// names where mail goes.
    public init(parsing text: String) throws(EmailError) {
        if text.unicodeScalars.contains(where: HeaderText.isLineBreakOrControl) {
            throw EmailError(.lineBreak, "the mailbox \(EmailError.shown(text)) contains a line break or control character",
                             hint: "a sender or recipient is one line; a line break here would add headers or recipients")
        }
        let trimmed = text.trimmingASCIIWhitespace()
        // In ASCII text a byte is a Character: find the brackets by byte.
        let open = trimmed.utf8.allSatisfy { $0 < 0x80 }
            ? trimmed.utf8.lastIndex(of: UInt8(ascii: "<"))
            : trimmed.lastIndex(of: "<")
        guard let open else {
            self.init(address: try EmailAddress(trimmed))
            return
        }
        guard trimmed.hasSuffix(">"), open < trimmed.index(before: trimmed.endIndex) else {
            throw EmailError(.invalidAddress, "the mailbox \(EmailError.shown(trimmed)) has a '<' without a closing '>' at the end",
                             hint: "write it as Name <name@example.com>")
        }
        let inner = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
        var name = String(trimmed[..<open]).trimmingASCIIWhitespace()
        if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") {
            name = String(name.dropFirst().dropLast())
            name = name.replacingOccurrences(of: "\\\"", with: "\"").replacingOccurrences(of: "\\\\", with: "\\")
        }
        self.init(displayName: name, address: try EmailAddress(inner))
    }

    public var description: String {
        guard let displayName else { return address.description }
        return "\(displayName) <\(address)>"
    }
}

extension String {
    /// Without leading and trailing spaces and tabs; `self` when there are none.
    func trimmingASCIIWhitespace() -> String {
        let utf8 = self.utf8
        var start = utf8.startIndex
        var end = utf8.endIndex
        @inline(__always) func blank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
        while start < end, blank(utf8[start]) { start = utf8.index(after: start) }
        while start < end {
            let before = utf8.index(before: end)
            guard blank(utf8[before]) else { break }
            end = before
        }
        if start == utf8.startIndex && end == utf8.endIndex { return self }
        // Both ends sit next to an ASCII byte or at an end: scalar boundaries.
        return String(self[start..<end])
    }
}
