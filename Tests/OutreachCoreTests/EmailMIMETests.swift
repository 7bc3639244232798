import Foundation
import OutreachCore
import Testing

/// A minimal reader for what `MIMEMessage` writes, so the tests check the
/// bytes by decoding them back (the SMTP tests decode with Python's email
/// package as well).
enum MIMEReader {
    /// Unfolded headers (name, value) and the body, split at the first empty line.
    static func split(_ message: String) -> (headers: [(String, String)], body: String) {
        let parts = message.components(separatedBy: "\r\n\r\n")
        let head = parts[0]
        let body = parts.dropFirst().joined(separator: "\r\n\r\n")
        var headers: [(String, String)] = []
        for line in head.components(separatedBy: "\r\n") {
            if line.hasPrefix(" ") || line.hasPrefix("\t"), !headers.isEmpty {
                headers[headers.count - 1].1 += line
            } else if let colon = line.firstIndex(of: ":") {
                headers.append((String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)))
            }
        }
        return (headers, body)
    }

    static func header(_ name: String, in message: String) -> String? {
        split(message).headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    static func decodeQuotedPrintable(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "=") {
                if i + 2 < bytes.count, bytes[i + 1] == 0x0D, bytes[i + 2] == 0x0A {
                    i += 3
                    continue
                }
                out.append(UInt8(String(decoding: bytes[i + 1...i + 2], as: UTF8.self), radix: 16)!)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return out
    }

    static func decode(body: String, encoding: String) -> String {
        switch encoding.lowercased() {
        case "base64":
            return String(decoding: Data(base64Encoded: body.replacingOccurrences(of: "\r\n", with: ""))!, as: UTF8.self)
        case "quoted-printable":
            return String(decoding: decodeQuotedPrintable(body), as: UTF8.self)
        default:
            return body
        }
    }

    /// The parts of a multipart body as (content type, decoded text).
    static func parts(of message: String) -> [(type: String, encoding: String, text: String)] {
        let (headers, body) = split(message)
        let contentType = headers.first { $0.0 == "Content-Type" }!.1
        let boundary = contentType.components(separatedBy: "boundary=\"")[1].components(separatedBy: "\"")[0]
        var sections = body.components(separatedBy: "\r\n--\(boundary)")
        sections.removeFirst() // preamble
        #expect(sections.last?.hasPrefix("--") == true, "closing delimiter")
        sections.removeLast()
        return sections.map { section in
            let inner = split(String(section.utf8.dropFirst(2))!) // the CRLF after the delimiter line
            let type = inner.headers.first { $0.0 == "Content-Type" }!.1
            let encoding = inner.headers.first { $0.0 == "Content-Transfer-Encoding" }!.1
            return (type, encoding, decode(body: inner.body, encoding: encoding))
        }
    }
}

@Suite("Email: MIME builder")
struct EmailMIMETests {
    static let ministry = try! Mailbox(parsing: "وزارة الصحة <noreply@moh.example>")
    static let date = Date(timeIntervalSince1970: 1_795_929_566) // 2026-11-29 05:19:26 UTC

    static func message(subject: String = "تذكير بموعد التطعيم", text: String = "مرحباً", html: String? = nil,
                        unsubscribe: [String] = [], oneClick: Bool = false) throws -> MIMEMessage {
        MIMEMessage(from: ministry, to: [try Mailbox(parsing: "Sara <sara@example.com>")], subject: subject,
                    date: date, messageID: "m-1@moh.example", text: text, html: html, language: "ar",
                    listUnsubscribe: unsubscribe, oneClickUnsubscribe: oneClick)
    }

    @Test func headersAreThereAndInOrder() throws {
        let text = try Self.message().renderedText()
        let names = MIMEReader.split(text).headers.map(\.0)
        #expect(names == ["From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Language",
                          "Content-Type", "Content-Transfer-Encoding"])
        #expect(MIMEReader.header("Date", in: text) == "Sun, 29 Nov 2026 05:19:26 +0000")
        #expect(MIMEReader.header("Message-ID", in: text) == "<m-1@moh.example>")
        #expect(MIMEReader.header("MIME-Version", in: text) == "1.0")
        #expect(MIMEReader.header("To", in: text) == "Sara <sara@example.com>")
        #expect(text.unicodeScalars.allSatisfy { $0.isASCII }, "everything non-ASCII is encoded")
    }

    @Test func everyLineEndsInCRLFAndFitsIn78() throws {
        let long = String(repeating: "حملة التوعية الصحية للأمهات والآباء في المدارس ", count: 6)
        let text = try Self.message(subject: long, text: long, html: "<p>\(long)</p>",
                                    unsubscribe: ["mailto:u@moh.example"]).renderedText()
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\r"))
        for line in text.components(separatedBy: "\r\n") {
            #expect(line.utf8.count <= 78, "\(line)")
        }
    }

    @Test(arguments: [
        "تذكير بموعد التطعيم",
        String(repeating: "تطعيمات الأطفال ", count: 12),
        "Mixed عربي and English — with a dash",
        "مَوْعِدُ التَّطْعِيمِ الْقَادِمِ لِأَطْفَالِكُمْ فِي الْمَرْكَزِ الصِّحِّيِّ الْأَقْرَبِ إِلَيْكُمْ",
        "👨‍👩‍👧‍👦 عائلة",
    ])
    func arabicSubjectIsEncodedWordsThatDecodeBack(subject: String) throws {
        let text = try Self.message(subject: subject).renderedText()
        let raw = MIMEReader.header("Subject", in: text)!
        #expect(raw.hasPrefix("=?UTF-8?B?"))
        #expect(EncodedWord.decode(raw) == HeaderText.singleLine(subject), "trimmed, otherwise exact")
        let words = raw.split(separator: " ")
        for word in words {
            #expect(word.count <= 75)
            // Each word holds whole characters: it decodes on its own.
            let decoded = EncodedWord.decode(String(word))
            #expect(decoded != nil)
            #expect(subject.contains(decoded!.trimmingCharacters(in: .whitespaces)))
        }
    }

    @Test func encodedWordsNeverSplitAGrapheme() {
        // A letter with two diacritics is one grapheme of 6 bytes.
        let text = String(repeating: "بَّ", count: 40)
        let words = EncodedWord.encode(text)
        #expect(words.count > 1)
        for word in words {
            let decoded = EncodedWord.decode(word)!
            #expect(decoded.count * 3 == decoded.unicodeScalars.count, "only whole بَّ clusters")
            #expect(word.count <= 75)
        }
        #expect(words.map { EncodedWord.decode($0)! }.joined() == text)
    }

    @Test func asciiSubjectStaysReadableAndFoldsAtSpaces() throws {
        let subject = "Your child's vaccination appointment is coming up: please bring the health card and arrive ten minutes early"
        let text = try Self.message(subject: subject).renderedText()
        let head = text.components(separatedBy: "\r\n\r\n")[0]
        let subjectLines = head.components(separatedBy: "\r\n").drop { !$0.hasPrefix("Subject:") }
            .prefix { $0.hasPrefix("Subject:") || $0.hasPrefix(" ") }
        #expect(subjectLines.count == 2)
        #expect(subjectLines.allSatisfy { $0.utf8.count <= 78 })
        #expect(MIMEReader.header("Subject", in: text) == subject)
    }

    @Test(arguments: [
        ("Hello\r\nBcc: victim@example.com", "Hello Bcc: victim@example.com"),
        ("Hello\nBcc: victim@example.com", "Hello Bcc: victim@example.com"),
        ("Hello\rX-Evil: 1", "Hello X-Evil: 1"),
        ("مرحبا\u{2028}X-Evil: 1", "مرحبا X-Evil: 1"),
        ("a\u{85}b\u{0}c", "a b c"),
        ("\r\n\r\nsubject", "subject"),
    ])
    func lineBreaksInSubjectAreFoldedIntoSpaces(subject: String, expected: String) throws {
        let text = try Self.message(subject: subject).renderedText()
        let headers = MIMEReader.split(text).headers.map(\.0)
        #expect(!headers.contains("Bcc"))
        #expect(!headers.contains("X-Evil"))
        let raw = MIMEReader.header("Subject", in: text)!
        #expect((EncodedWord.decode(raw) ?? raw) == expected)
    }

    @Test func displayNamesAreEncodedAndRepaired() throws {
        let from = Mailbox(displayName: "وزارة\r\nBcc: x@evil.example", address: try EmailAddress("noreply@moh.example"))
        #expect(from.displayName == "وزارة Bcc: x@evil.example")
        let message = MIMEMessage(from: from, to: [try Mailbox(parsing: "a@example.com")], subject: "s",
                                  date: Self.date, messageID: "x@moh.example", text: "t")
        let text = try message.renderedText()
        let raw = MIMEReader.header("From", in: text)!
        #expect(raw.hasSuffix(" <noreply@moh.example>"))
        #expect(EncodedWord.decode(raw) == "وزارة Bcc: x@evil.example <noreply@moh.example>")
        #expect(!MIMEReader.split(text).headers.map(\.0).contains("Bcc"))
    }

    @Test func multipartAlternativeHoldsBothPartsExactly() throws {
        let plain = "السلام عليكم سارة،\nموعد تطعيم طفلك يوم الأحد.\n.\n..نقطة في أول السطر\nمع التحية"
        let html = "<html dir=\"rtl\"><body><p>السلام عليكم <b>سارة</b>،</p>\n<p>موعد تطعيم طفلك يوم الأحد.</p></body></html>"
        let message = try Self.message(text: plain, html: html)
        let text = try message.renderedText()
        let contentType = MIMEReader.header("Content-Type", in: text)!
        #expect(contentType == "multipart/alternative; boundary=\"\(message.boundary)\"")
        let parts = MIMEReader.parts(of: text)
        #expect(parts.count == 2)
        #expect(parts[0].type == "text/plain; charset=UTF-8")
        #expect(parts[1].type == "text/html; charset=UTF-8")
        #expect(parts[0].text == plain.replacingOccurrences(of: "\n", with: "\r\n"))
        #expect(parts[1].text == html.replacingOccurrences(of: "\n", with: "\r\n"))
        // The boundary occurs only as delimiters (and in the Content-Type).
        #expect(text.components(separatedBy: message.boundary).count - 1 == 4)
    }

    @Test func singlePartWhenThereIsNoHTML() throws {
        let text = try Self.message(text: "Hello\nworld").renderedText()
        #expect(MIMEReader.header("Content-Type", in: text) == "text/plain; charset=UTF-8")
        #expect(MIMEReader.header("Content-Transfer-Encoding", in: text) == "quoted-printable")
        #expect(MIMEReader.split(text).body == "Hello\r\nworld\r\n")
    }

    @Test func listUnsubscribeHeaders() throws {
        let text = try Self.message(unsubscribe: ["mailto:unsubscribe@moh.example?subject=m-1",
                                                  "https://moh.example/unsubscribe/m-1"],
                                    oneClick: true).renderedText()
        #expect(MIMEReader.header("List-Unsubscribe", in: text)
                == "<mailto:unsubscribe@moh.example?subject=m-1>, <https://moh.example/unsubscribe/m-1>")
        #expect(MIMEReader.header("List-Unsubscribe-Post", in: text) == "List-Unsubscribe=One-Click")
    }

    @Test func oneClickNeedsHTTPS() throws {
        #expect(throws: EmailError.self) {
            try Self.message(unsubscribe: ["mailto:u@moh.example"], oneClick: true).renderedText()
        }
        let withoutPost = try Self.message(unsubscribe: ["mailto:u@moh.example"]).renderedText()
        #expect(MIMEReader.header("List-Unsubscribe-Post", in: withoutPost) == nil)
    }

    @Test(arguments: ["https://moh.example/u/1\r\nBcc: x@y.example", "https://moh.example/u/<1>",
                      "javascript:alert(1)", "https://moh.example/u/a b"])
    func badUnsubscribeTargetsAreRefused(target: String) throws {
        #expect(throws: EmailError.self) { try Self.message(unsubscribe: [target]).renderedText() }
    }

    @Test func fromOutboundMessageAndSettings() throws {
        let settings = SMTPSettings(url: "smtp://127.0.0.1:2525", from: "وزارة الصحة <noreply@moh.example>",
                                    unsubscribeURL: "https://moh.example/u/{message_id}",
                                    unsubscribeMailto: "unsubscribe@moh.example?subject={message_id}")
        let outbound = OutboundMessage(id: "back_to_school:2026-09-01:1012345678", channel: .email,
                                       recipientID: "1012345678", to: "Sara <sara@example.com>",
                                       subject: "العودة إلى المدارس", text: "نص", html: "<p>نص</p>", language: "ar")
        let message = try MIMEMessage(message: outbound, settings: settings, date: Self.date)
        #expect(message.messageID == "back_to_school=3A2026-09-01=3A1012345678@moh.example")
        #expect(message.listUnsubscribe == [
            "mailto:unsubscribe@moh.example?subject=back_to_school%3A2026-09-01%3A1012345678",
            "https://moh.example/u/back_to_school%3A2026-09-01%3A1012345678",
        ])
        #expect(message.oneClickUnsubscribe)
        #expect(message.envelope.sender.description == "noreply@moh.example")
        #expect(message.envelope.recipients.map(\.description) == ["sara@example.com"])
        // A sender that is only a display name keeps the gateway's address.
        var named = outbound
        named.sender = "حملة المدارس"
        let renamed = try MIMEMessage(message: named, settings: settings, date: Self.date)
        #expect(renamed.from.description == "حملة المدارس <noreply@moh.example>")
        // The same message and date always give the same bytes.
        #expect(try message.rendered() == MIMEMessage(message: outbound, settings: settings, date: Self.date).rendered())
    }

    @Test func injectionThroughTheRecipientIsAnError() throws {
        let settings = SMTPSettings(url: "smtp://127.0.0.1:2525", from: "noreply@moh.example")
        let outbound = OutboundMessage(id: "1", channel: .email, recipientID: "1",
                                       to: "sara@example.com\r\nBcc: everyone@example.com", text: "x")
        #expect {
            try MIMEMessage(message: outbound, settings: settings, date: Self.date)
        } throws: { error in
            (error as? EmailError)?.kind == .lineBreak
        }
    }

    @Test func rfc5322Dates() {
        #expect(MIMEMessage.rfc5322Date(Date(timeIntervalSince1970: 0)) == "Thu, 1 Jan 1970 00:00:00 +0000")
        #expect(MIMEMessage.rfc5322Date(Date(timeIntervalSince1970: 951_782_400)) == "Tue, 29 Feb 2000 00:00:00 +0000")
        #expect(MIMEMessage.rfc5322Date(Date(timeIntervalSince1970: -1)) == "Wed, 31 Dec 1969 23:59:59 +0000")
    }
}
