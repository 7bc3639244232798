import Foundation
import OutreachCore
import Testing

@Suite("Email: addresses and transfer encodings")
struct EmailEncodingTests {
    @Test(arguments: ["sara@example.com", "first.last+tag@sub.example.co", "o'brien@example.ie", "x@a-b.example"])
    func validAddresses(text: String) throws {
        #expect(try EmailAddress(text).description == text)
    }

    @Test(arguments: [
        ("", EmailError.Kind.invalidAddress),
        ("sara", .invalidAddress),
        ("sara@", .invalidAddress),
        ("@example.com", .invalidAddress),
        ("sara@localhost", .invalidAddress),
        ("sa ra@example.com", .invalidAddress),
        ("sara..x@example.com", .invalidAddress),
        (".sara@example.com", .invalidAddress),
        ("sara@@example.com", .invalidAddress),
        ("sara@-example.com", .invalidAddress),
        ("\"sara\"@example.com", .invalidAddress),
        ("سارة@example.com", .invalidAddress),
        ("sara@example.com>", .invalidAddress),
        ("sara@example.com\r\nBcc: x@example.com", .lineBreak),
        ("sara@example.com\n", .lineBreak),
        ("sara@exa\u{2028}mple.com", .lineBreak),
    ])
    func invalidAddresses(text: String, kind: EmailError.Kind) {
        #expect { try EmailAddress(text) } throws: { ($0 as? EmailError)?.kind == kind }
    }

    @Test func errorsStayOnOneLine() {
        do {
            _ = try EmailAddress("a@example.com\r\nBcc: b@example.com")
            Issue.record("expected an error")
        } catch {
            #expect(!error.message.contains("\r") && !error.message.contains("\n"))
            #expect(error.message.contains("\\r\\n"))
        }
    }

    @Test(arguments: [
        ("Sara <sara@example.com>", "Sara", "sara@example.com"),
        ("\"Al-Harbi, Sara\" <sara@example.com>", "Al-Harbi, Sara", "sara@example.com"),
        ("وزارة الصحة <noreply@moh.example>", "وزارة الصحة", "noreply@moh.example"),
        ("<sara@example.com>", nil, "sara@example.com"),
        ("  sara@example.com ", nil, "sara@example.com"),
    ])
    func mailboxes(text: String, name: String?, address: String) throws {
        let mailbox = try Mailbox(parsing: text)
        #expect(mailbox.displayName == name)
        #expect(mailbox.address.description == address)
    }

    @Test func mailboxWithLineBreakIsRefused() {
        #expect { try Mailbox(parsing: "Sara\r\n <sara@example.com>") } throws: { ($0 as? EmailError)?.kind == .lineBreak }
    }

    // MARK: transfer encodings

    @Test func arabicBodyGoesBase64EnglishQuotedPrintable() {
        let arabic = TransferEncoding.canonicalLines("مرحباً سارة، موعد تطعيم طفلك يوم الأحد القادم في المركز الصحي.")
        let english = TransferEncoding.canonicalLines("Hello Sara, your child's vaccination is on Sunday at the health centre.")
        #expect(TransferEncoding.choose(for: arabic) == .base64)
        #expect(TransferEncoding.choose(for: english) == .quotedPrintable)
        // Why: quoted-printable would be more than twice as long for Arabic.
        let qp = TransferEncoding.quotedPrintable.encode(arabic).utf8.count
        let b64 = TransferEncoding.base64.encode(arabic).utf8.count
        #expect(qp > 2 * b64)
    }

    @Test(arguments: [
        "مرحباً سارة، موعد تطعيم طفلك يوم الأحد القادم في المركز الصحي للحي.\r\nمع التحية",
        "a = b, trailing space \r\ntrailing tab\t\r\n\r\nlast",
        String(repeating: "x", count: 200),
        String(repeating: "ab ", count: 60),
        String(repeating: "é", count: 100) + "\r\n",
        ".\r\n..\r\n.leading dots stay: libcurl dot-stuffs",
        "",
    ])
    func quotedPrintableRoundTripsWithinLineLimits(text: String) {
        let bytes = Array(text.utf8)
        let encoded = TransferEncoding.quotedPrintable.encode(bytes)
        #expect(MIMEReader.decodeQuotedPrintable(encoded) == bytes)
        for line in encoded.components(separatedBy: "\r\n") {
            #expect(line.utf8.count <= 76, "\(line)")
            #expect(!line.hasSuffix(" ") && !line.hasSuffix("\t"), "no trailing whitespace: \(line)")
            #expect(line.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F })
        }
        #expect(!encoded.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
    }

    @Test func quotedPrintableOfArabicKeepsLettersWhole() {
        // Soft breaks fall between letters: each encoded line decodes to valid UTF-8.
        let text = String(repeating: "بسم الله ", count: 30)
        let encoded = TransferEncoding.quotedPrintable.encode(Array(text.utf8))
        for line in encoded.components(separatedBy: "\r\n") {
            let decoded = MIMEReader.decodeQuotedPrintable(line.hasSuffix("=") ? String(line.dropLast()) : line)
            #expect(String(validating: decoded, as: UTF8.self) != nil, "\(line)")
        }
        #expect(encoded.hasPrefix("=D8=A8=D8=B3=D9=85 "))
    }

    @Test func base64LinesAre76() {
        let bytes = Array(String(repeating: "نص عربي ", count: 50).utf8)
        let encoded = TransferEncoding.base64.encode(bytes)
        let lines = encoded.components(separatedBy: "\r\n")
        #expect(lines.dropLast().allSatisfy { $0.utf8.count == 76 })
        #expect(Data(base64Encoded: lines.joined()) == Data(bytes))
    }

    @Test func canonicalLineEndings() {
        #expect(TransferEncoding.canonicalLines("a\nb\r\nc\rd") == Array("a\r\nb\r\nc\r\nd".utf8))
    }
}
