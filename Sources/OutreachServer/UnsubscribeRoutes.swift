public import Foundation
import Hummingbird
import Logging
public import OutreachCore

/// One-click unsubscribe for email (RFC 8058) at `/unsubscribe/<token>`, the
/// URL gateways.yaml's smtp `unsubscribe_url` names with `{unsubscribe_token}`.
///
/// - POST with `List-Unsubscribe=One-Click` (what a mail client sends, form or
///   multipart; also what the confirmation page's button sends) opts the
///   message's address out at once: 200. Using the link again changes nothing.
/// - GET shows a small Arabic/English page with that button: a GET never opts
///   anyone out (link scanners and previews follow GETs).
/// - A token that does not verify gets 403 and changes nothing; a valid token
///   for a message this ledger does not hold gets 404.
public enum UnsubscribeRoutes {
    struct Route: Sendable {
        let store: any ReplyStore
        let signer: [UInt8]
        let maxBodySize: Int
        let logger: Logger

        func token(_ context: WebhookRequestContext) -> UnsubscribeToken? {
            context.parameters.get("token").flatMap { UnsubscribeToken.verify($0, secret: signer) }
        }

        func page(_ request: Request, context: WebhookRequestContext) async throws -> Response {
            guard token(context) != nil else { return html(.forbidden, UnsubscribePage.invalid) }
            return html(.ok, UnsubscribePage.confirm)
        }

        func unsubscribe(_ request: Request, context: WebhookRequestContext) async throws -> Response {
            guard let token = token(context) else { return html(.forbidden, UnsubscribePage.invalid) }
            let body = try await request.body.collect(upTo: maxBodySize)
            let text = body.getString(at: body.readerIndex, length: body.readableBytes) ?? ""
            guard Self.isOneClick(text, contentType: request.headers[.contentType]) else {
                throw HTTPError(.badRequest, message: "expected List-Unsubscribe=One-Click")
            }
            guard let recorded = try await store.unsubscribe(messageID: token.messageID, at: Date()) else {
                return html(.notFound, UnsubscribePage.unknown)
            }
            logger.info("unsubscribed by link", metadata: ["campaign": "\(recorded.campaign ?? "-")"])
            return html(.ok, UnsubscribePage.done)
        }

        /// `List-Unsubscribe=One-Click` as a URL-encoded form or a multipart/form-data field.
        static func isOneClick(_ body: String, contentType: String?) -> Bool {
            let type = contentType?.lowercased() ?? "application/x-www-form-urlencoded"
            if type.hasPrefix("multipart/form-data") {
                return body.contains("name=\"List-Unsubscribe\"") && body.contains("One-Click")
            }
            let trimmed = body.trimmingSuffix(while: { $0 == "\n" || $0 == "\r" })
            return FormFields(encoded: trimmed)?["List-Unsubscribe"] == "One-Click"
        }

        func html(_ status: HTTPResponse.Status, _ body: String) -> Response {
            Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                     body: .init(byteBuffer: ByteBuffer(string: body)))
        }
    }

    /// Registers `/unsubscribe/:token` (GET page, POST one-click). The token is its own authentication.
    static func register(on router: Router<WebhookRequestContext>, secret: WebhookSecret, store: any ReplyStore,
                         maxBodySize: Int, logger: Logger) {
        let route = Route(store: store, signer: Array(secret.text.utf8), maxBodySize: maxBodySize, logger: logger)
        router.get("unsubscribe/:token", use: route.page)
        router.post("unsubscribe/:token", use: route.unsubscribe)
    }
}

/// The pages: Arabic first (right to left), then English. No personal data:
/// the page does not say which address it is about.
enum UnsubscribePage {
    static func page(_ arabic: String, _ english: String, button: Bool) -> String {
        let form = button ? """
            <form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click">
            <button type="submit">إلغاء الاشتراك / Unsubscribe</button></form>
            """ : ""
        return """
            <!doctype html>
            <html lang="ar"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="robots" content="noindex"><title>إلغاء الاشتراك / Unsubscribe</title></head>
            <body style="font-family: sans-serif; max-width: 36em; margin: 2em auto; padding: 0 1em">
            <section dir="rtl" lang="ar"><p>\(arabic)</p></section>
            <section dir="ltr" lang="en"><p>\(english)</p></section>
            \(form)
            </body></html>

            """
    }

    static let confirm = page("هل تريد إيقاف الرسائل التوعوية المرسلة إلى هذا العنوان؟",
                              "Stop the awareness messages sent to this address?", button: true)
    static let done = page("تم إلغاء اشتراكك، ولن تصلك رسائل أخرى على هذا العنوان.",
                           "You are unsubscribed: no more messages will be sent to this address.", button: false)
    static let invalid = page("هذا الرابط غير صالح.", "This link is not valid.", button: false)
    static let unknown = page("هذا الرابط لم يعد صالحاً. تواصل معنا لإيقاف الرسائل.",
                              "This link is no longer valid. Contact us to stop the messages.", button: false)
}
