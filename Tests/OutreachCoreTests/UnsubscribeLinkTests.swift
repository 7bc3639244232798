import Foundation
import Testing
import OutreachCore

@Suite("Unsubscribe links in outbound email")
struct UnsubscribeLinkTests {
    @Test("{unsubscribe_token} becomes a token for the message, signed with the gateway's secret; {message_id} still works")
    func signedToken() throws {
        var settings = SMTPSettings(url: "smtp://127.0.0.1:2525", from: "noreply@moh.example",
                                    unsubscribeURL: "https://moh.example/unsubscribe/{unsubscribe_token}")
        settings.unsubscribeSecret = "server-secret"
        let outbound = OutboundMessage(id: "back_to_school:2026-09-01:1012345678", channel: .email, recipientID: "1012345678",
                                       to: "sara@example.com", subject: "s", text: "t", language: "ar")
        let message = try MIMEMessage(message: outbound, settings: settings, date: Date(timeIntervalSince1970: 0))
        let url = try #require(message.listUnsubscribe.first)
        #expect(url.hasPrefix("https://moh.example/unsubscribe/"))
        let token = String(url.dropFirst("https://moh.example/unsubscribe/".count))
        #expect(UnsubscribeToken.verify(token, secret: Array("server-secret".utf8))?.messageID == outbound.id)
        #expect(UnsubscribeToken.verify(token, secret: Array("another".utf8)) == nil)
        #expect(message.oneClickUnsubscribe)
        #expect(try message.renderedText().contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"))
    }
}
