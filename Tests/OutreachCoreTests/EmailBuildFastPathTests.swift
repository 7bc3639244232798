import Foundation
import OutreachCore
import Testing

/// The SMTP gateway's fast paths give the same bytes as the general ones:
/// the gateway's settings read once (`OutboundDefaults`), short printable
/// quoted-printable lines copied as they are, base64 written without
/// Foundation, one-line display text passed through.
@Suite("Email: fast paths give the same bytes")
struct EmailBuildFastPathTests {
    static let date = Date(timeIntervalSince1970: 1_795_929_566)

    static let settings = [
        SMTPSettings(url: "smtp://relay.example", from: "وزارة الصحة <noreply@moh.example>",
                     unsubscribeURL: "https://moh.example/u/{message_id}", unsubscribeMailto: "unsub@moh.example?subject={message_id}"),
        SMTPSettings(url: "smtp://relay.example", from: "Outreach Bench <bench@outreach.example>", messageIDDomain: "outreach.example"),
        SMTPSettings(url: "smtp://relay.example", from: " \"Quoted \\\"Name\\\"\" <a.b@c.example> ", unsubscribeMailto: "MAILTO:x@y.example"),
    ]

    @Test(arguments: 0..<3)
    func defaultsReadOnceBuildTheSameMessage(index: Int) throws {
        let settings = Self.settings[index]
        let defaults = MIMEMessage.OutboundDefaults(settings)
        for (n, sender) in [nil, "Someone Else", "Other <other@other.example>"].enumerated() {
            var message = OutboundMessage(id: "campaign:\(n)", channel: .email, recipientID: "r", to: " Sara <sara@example.com> ",
                                          subject: "تذكير  بموعد\r\nالتطعيم", text: "نص\nthe text", html: n == 1 ? "<p>x</p>" : nil,
                                          language: "ar")
            message.sender = sender
            let direct = try MIMEMessage(message: message, settings: settings, date: Self.date)
            let once = try MIMEMessage(message: message, defaults: defaults, date: Self.date)
            #expect(direct == once)
            #expect(try direct.rendered() == once.rendered())
            #expect(try direct.renderedText() == String(decoding: once.rendered(), as: UTF8.self))
        }
    }

    @Test func defaultsKeepTheSettingsErrors() {
        let badFrom = MIMEMessage.OutboundDefaults(SMTPSettings(url: "smtp://relay.example", from: "not an address"))
        let badDomain = MIMEMessage.OutboundDefaults(SMTPSettings(url: "smtp://relay.example", from: "a@b.example",
                                                                  messageIDDomain: "no domain"))
        let message = OutboundMessage(id: "m", channel: .email, recipientID: "r", to: "sara@example.com", subject: "s",
                                      text: "t", language: nil)
        #expect(throws: EmailError.self) { try MIMEMessage(message: message, defaults: badFrom, date: Self.date) }
        #expect(throws: EmailError.self) { try MIMEMessage(message: message, defaults: badDomain, date: Self.date) }
    }

    @Test func base64MatchesFoundationAtEveryLength() {
        let source = Array(String(repeating: "نص عربي ومعه English. ", count: 12).utf8)
        for length in 0...200 {
            let bytes = Array(source.prefix(length))
            let expected = Data(bytes).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
            #expect(TransferEncoding.base64.encode(bytes) == expected, "length \(length)")
        }
    }

    @Test(arguments: [
        String(repeating: "x", count: 76),   // exactly the limit: as is
        String(repeating: "x", count: 77),   // one over: a soft break
        String(repeating: "y", count: 75) + " ",   // trailing space: encoded
        "short line\twith a tab",
        "a=b",
        "ends with tab\t",
    ])
    func quotedPrintableShortLines(line: String) {
        let encoded = TransferEncoding.quotedPrintable.encode(Array((line + "\r\n" + line).utf8))
        let lines = encoded.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 76 && !$0.hasSuffix(" ") && !$0.hasSuffix("\t") })
        let plain = line.utf8.count <= 76 && !line.contains("=") && !line.hasSuffix(" ") && !line.hasSuffix("\t")
        #expect((encoded == line + "\r\n" + line) == plain)
    }

    @Test(arguments: [
        ("  spaced\t", "spaced"), ("plain", "plain"), ("عربي", "عربي"), (" a\r\nb ", "a b"), ("x\u{2028}\u{85}y", "x y"), ("\t", ""),
    ])
    func singleLine(text: String, expected: String) {
        #expect(HeaderText.singleLine(text) == expected)
    }
}

@Suite("Email: header fast paths fold as the general path does")
struct EmailHeaderFastPathTests {
    @Test func oneLineHeadersAreWrittenWhole() throws {
        #expect(HeaderText.unstructured(name: "Subject", value: "Hi there") == "Subject: Hi there\r\n")
        #expect(HeaderText.unstructured(name: "Subject", value: "") == "Subject: \r\n")
        let bench = try Mailbox(parsing: "Outreach Bench <bench@outreach.example>")
        #expect(HeaderText.addressList(name: "From", mailboxes: [bench]) == "From: Outreach Bench <bench@outreach.example>\r\n")
        let bare = try Mailbox(parsing: "sara@example.com")
        #expect(HeaderText.addressList(name: "To", mailboxes: [bare]) == "To: sara@example.com\r\n")
    }

    @Test func longOrUnusualHeadersStillFold() throws {
        let long = String(repeating: "word ", count: 20)
        let subject = HeaderText.unstructured(name: "Subject", value: long)
        #expect(subject.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 78 })
        #expect(subject.replacingOccurrences(of: "\r\n", with: "") == "Subject: " + long.trimmingCharacters(in: .whitespaces) + "")
        let name = String(repeating: "Name ", count: 14) + "End"
        let from = HeaderText.addressList(name: "From", mailboxes: [Mailbox(displayName: name, address: try EmailAddress("a@b.example"))])
        #expect(from.contains("\r\n "))
        #expect(from.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 78 })
        // Two spaces in a name are not an atom phrase: the general path collapses them.
        let spaced = HeaderText.addressList(name: "From", mailboxes: [Mailbox(displayName: "A  B", address: try EmailAddress("a@b.example"))])
        #expect(spaced == "From: A B <a@b.example>\r\n")
        // An Arabic name goes as encoded-words, decoding back to the name.
        let arabic = HeaderText.addressList(name: "From", mailboxes: [try Mailbox(parsing: "وزارة الصحة <noreply@moh.example>")])
        #expect(arabic.hasPrefix("From: =?UTF-8?B?"))
        #expect(EncodedWord.decode(String(arabic.dropFirst(6).prefix { $0 != "<" })).map { $0.trimmingCharacters(in: .whitespaces) } == "وزارة الصحة")
    }
}
