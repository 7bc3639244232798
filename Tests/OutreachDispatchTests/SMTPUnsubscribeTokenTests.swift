import Foundation
import Logging
import OutreachCore
@testable import OutreachDispatch
import Testing

/// The signed unsubscribe link through a real SMTP server (aiosmtpd): what a
/// mail client receives verifies, and names the message it came with.
@Suite("SMTP gateway: signed unsubscribe links", .serialized)
struct SMTPUnsubscribeTokenTests {
    @Test func theReceivedLinkCarriesAVerifiableToken() async throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        var settings = SMTPSettings(url: server.url, from: "noreply@moh.example",
                                    unsubscribeURL: "https://outreach.example.org/unsubscribe/{unsubscribe_token}")
        settings.unsubscribeSecret = "smtp-test-secret-0123456789"
        let gateway = try SMTPGateway(name: "mail", settings: settings, concurrency: 1, timeoutSeconds: 20, connectTimeoutSeconds: 5,
                                      caFile: nil, logger: Logger(label: "outreach.tests.smtp"), now: { Date(timeIntervalSince1970: 0) })
        let id = "back_to_school:2026-09-01:1012345678"
        let outcome = await gateway.send(OutboundMessage(id: id, channel: .email, recipientID: "1012345678", to: "sara@example.com",
                                                         subject: "s", text: "t", language: "ar"), attempt: 1)
        await gateway.shutdown()
        #expect(outcome.kind == .accepted, "\(outcome.detail)")
        let received = try #require(try server.messages().first)
        let header = try #require(received.header("List-Unsubscribe")).replacingOccurrences(of: "\r\n", with: "")
            .trimmingCharacters(in: .whitespaces)
        #expect(received.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click")
        let prefix = "<https://outreach.example.org/unsubscribe/"
        #expect(header.hasPrefix(prefix) && header.hasSuffix(">"), "\(header)")
        let token = String(header.dropFirst(prefix.count).dropLast())
        #expect(UnsubscribeToken.verify(token, secret: Array("smtp-test-secret-0123456789".utf8))?.messageID == id)
        #expect(!header.contains("1012345678"))   // the bare id is not in the link (its base64 form is, signed)
    }
}
