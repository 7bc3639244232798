public import Foundation

/// One email as it goes on the wire: RFC 5322 headers and a MIME body,
/// CRLF line endings throughout.
///
/// With an HTML part the body is `multipart/alternative` (text/plain first,
/// text/html last, as RFC 2046 orders them from plainest to richest);
/// without one it is a single text/plain part. Both are UTF-8, each in
/// quoted-printable or base64, whichever is shorter (`TransferEncoding`).
/// Non-ASCII subjects and display names are RFC 2047 encoded-words, and
/// every header line is folded to at most 78 characters.
///
/// Building is pure: the same message and date always give the same bytes
/// (the boundary is derived from the Message-ID), so retries resend the
/// identical message. SMTP dot-stuffing is not done here: libcurl escapes
/// lines that begin with a dot while it uploads (curl's test 901).
public struct MIMEMessage: Sendable, Hashable {
    public var from: Mailbox
    public var to: [Mailbox]
    public var replyTo: Mailbox?
    /// Display text: line breaks are folded into spaces, never passed through.
    public var subject: String
    public var date: Date
    /// Without angle brackets: `id-left@domain`.
    public var messageID: String
    public var text: String
    public var html: String?
    /// BCP 47 tag for `Content-Language` (`ar`, `en-GB`), when known.
    public var language: String?
    /// `List-Unsubscribe` targets (RFC 2369) without angle brackets,
    /// e.g. `mailto:unsubscribe@moh.example`, `https://moh.example/u/…`.
    public var listUnsubscribe: [String]
    /// Adds `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058);
    /// only allowed when one of the targets is an https URL.
    public var oneClickUnsubscribe: Bool

    public init(from: Mailbox, to: [Mailbox], replyTo: Mailbox? = nil, subject: String, date: Date,
                messageID: String, text: String, html: String? = nil, language: String? = nil,
                listUnsubscribe: [String] = [], oneClickUnsubscribe: Bool = false) {
        self.from = from
        self.to = to
        self.replyTo = replyTo
        self.subject = subject
        self.date = date
        self.messageID = messageID
        self.text = text
        self.html = html
        self.language = language
        self.listUnsubscribe = listUnsubscribe
        self.oneClickUnsubscribe = oneClickUnsubscribe
    }

    /// `MAIL FROM` and `RCPT TO` for this message.
    public var envelope: (sender: EmailAddress, recipients: [EmailAddress]) {
        (from.address, to.map(\.address))
    }

    /// The message as bytes for the SMTP DATA phase, built in one buffer.
    public func rendered() throws(EmailError) -> [UInt8] {
        guard !to.isEmpty else {
            throw EmailError(.invalidMessage, "the message has no recipient")
        }
        try Self.validateMessageID(messageID)
        for target in listUnsubscribe { try Self.validateUnsubscribeTarget(target) }
        if oneClickUnsubscribe && !listUnsubscribe.contains(where: { $0.lowercased().hasPrefix("https://") }) {
            throw EmailError(.invalidHeaderValue, "one-click unsubscribe needs an https:// List-Unsubscribe URL",
                             hint: "RFC 8058: the POST goes to an HTTPS URI; add one or turn one-click off")
        }

        var out: [UInt8] = []
        out.reserveCapacity(512 + text.utf8.count * 2 + (html?.utf8.count ?? 0) * 2)
        out += HeaderText.addressList(name: "From", mailboxes: [from]).utf8
        out += HeaderText.addressList(name: "To", mailboxes: to).utf8
        if let replyTo { out += HeaderText.addressList(name: "Reply-To", mailboxes: [replyTo]).utf8 }
        out += HeaderText.unstructured(name: "Subject", value: subject).utf8
        out += "Date: \(Self.rfc5322Date(date))\r\nMessage-ID: <\(messageID)>\r\nMIME-Version: 1.0\r\n".utf8
        if let language, Self.isLanguageTag(language) { out += "Content-Language: \(language)\r\n".utf8 }
        if !listUnsubscribe.isEmpty {
            out += HeaderText.fold(name: "List-Unsubscribe",
                                   tokens: listUnsubscribe.enumerated().map { index, target in
                                       "<\(target)>" + (index < listUnsubscribe.count - 1 ? "," : "")
                                   }).utf8
            if oneClickUnsubscribe { out += "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n".utf8 }
        }

        guard let html else {
            Self.writePart(subtype: "plain", content: text, into: &out)
            out += "\r\n".utf8
            return out
        }
        let boundary = boundary
        out += "Content-Type: multipart/alternative;\r\n boundary=\"\(boundary)\"\r\n".utf8
        out += "\r\nThis is a multi-part message in MIME format.\r\n".utf8
        for (subtype, content) in [("plain", text), ("html", html)] {
            out += "\r\n--\(boundary)\r\n".utf8
            Self.writePart(subtype: subtype, content: content, into: &out)
        }
        out += "\r\n--\(boundary)--\r\n".utf8
        return out
    }

    /// The message as text (ASCII only: everything else is encoded).
    public func renderedText() throws(EmailError) -> String {
        String(decoding: try rendered(), as: UTF8.self)
    }

    /// `=_` cannot occur in quoted-printable or base64 output, so a boundary
    /// starting with it can never collide with a part's content.
    public var boundary: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in messageID.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return "=_outreach_alt_" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// A part's headers, the blank line and its encoded body (no CRLF after
    /// the body's last line).
    private static func writePart(subtype: String, content: String, into out: inout [UInt8]) {
        let bytes = TransferEncoding.canonicalLines(content)
        out += "Content-Type: text/\(subtype); charset=UTF-8\r\nContent-Transfer-Encoding: ".utf8
        let header = out.count
        out += TransferEncoding.quotedPrintable.rawValue.utf8
        out += "\r\n\r\n".utf8
        let body = out.count
        TransferEncoding.writeQuotedPrintable(bytes, into: &out)
        if out.count - body > TransferEncoding.base64Length(bytes) {
            out.removeSubrange(header...)
            out += TransferEncoding.base64.rawValue.utf8
            out += "\r\n\r\n".utf8
            TransferEncoding.writeBase64(bytes, into: &out)
        }
    }

    // MARK: Header values

    static func validateMessageID(_ id: String) throws(EmailError) {
        let bytes = id.utf8
        let at = bytes.firstIndex(of: UInt8(ascii: "@")) ?? bytes.endIndex
        let domain = at == bytes.endIndex ? bytes[at...] : bytes[bytes.index(after: at)...]
        guard at != bytes.endIndex, EmailAddress.isDotAtom(bytes[..<at]), EmailAddress.isDotAtom(domain),
              bytes.count <= 900 else {
            throw EmailError(.invalidHeaderValue, "the Message-ID \(EmailError.shown(id)) is not of the form id@domain")
        }
    }

    static func validateUnsubscribeTarget(_ target: String) throws(EmailError) {
        if target.unicodeScalars.contains(where: HeaderText.isLineBreakOrControl) {
            throw EmailError(.lineBreak, "the List-Unsubscribe target \(EmailError.shown(target)) contains a line break",
                             hint: "a URL is one line; percent-encode anything substituted into it")
        }
        let lower = target.lowercased()
        guard lower.hasPrefix("mailto:") || lower.hasPrefix("https://") || lower.hasPrefix("http://") else {
            throw EmailError(.invalidHeaderValue, "the List-Unsubscribe target \(EmailError.shown(target)) is not a mailto: or http(s) URL")
        }
        guard target.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") }) else {
            throw EmailError(.invalidHeaderValue, "the List-Unsubscribe target \(EmailError.shown(target)) has spaces, angle brackets or non-ASCII characters",
                             hint: "percent-encode them (RFC 3986)")
        }
    }

    static func isLanguageTag(_ tag: String) -> Bool {
        !tag.isEmpty && tag.utf8.count <= 35 && tag.split(separator: "-", omittingEmptySubsequences: false).allSatisfy { sub in
            (1...8).contains(sub.utf8.count) && sub.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) }
        }
    }

    private static let weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Sun, 29 Nov 2026 05:19:26 +0000` (RFC 5322 §3.3), always in UTC.
    public static func rfc5322Date(_ date: Date) -> String {
        let total = Int(date.timeIntervalSince1970.rounded(.down))
        let days = total >= 0 ? total / 86_400 : (total - 86_399) / 86_400
        let seconds = total - days * 86_400
        let day = Day(daysSinceEpoch: Int32(days))
        let (y, m, d) = day.components
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(weekdays[day.isoWeekday - 1]), \(d) \(months[m - 1]) \(y) "
            + "\(two(seconds / 3600)):\(two(seconds % 3600 / 60)):\(two(seconds % 60)) +0000"
    }
}
