public import Foundation
import Hummingbird
import Logging
public import OutreachCore
public import OutreachStore

/// What the reply webhooks need of the ledger: record a reply (applying a
/// STOP or START word to the suppression list) and honour an unsubscribe link.
public protocol ReplyStore: Sendable {
    func recordReply(_ reply: InboundReply, action: StopWords.Action?) async throws -> RecordedReply
    /// nil when the ledger has no such message.
    func unsubscribe(messageID: String, at: Date) async throws -> RecordedReply?
}

extension SQLiteLedger: ReplyStore {}

/// Replies people send to a campaign's SMS: Kannel MO through an
/// `sms-service` `get-url` (`…/hooks/<secret>/kannel/mo?from=%p&to=%P&text=%a`)
/// and Twilio's inbound messaging webhook (form fields `From`, `Body`).
/// Each is recorded against the last message sent to that number; a STOP word
/// opts the number out, a START word back in, and the configured confirmation
/// is the answer (Kannel sends an sms-service's response body back to the
/// sender; Twilio sends a TwiML `<Message>`).
public enum InboundSMS {
    /// Longest reply text kept (a long concatenated SMS is about 1,600 characters).
    public static let maxTextLength = 4_000

    /// The reply these fields carry. Throws a message naming the field for a malformed callback
    /// (never echoing the number or the text).
    public static func reply(from: String?, text: String?, gateway: String, at: Date) throws(WebhookInputError) -> InboundReply {
        guard let from, !from.isEmpty else { throw WebhookInputError("missing from (the sender: Kannel's %p, Twilio's From)") }
        guard from.utf8.count <= 64, let address = ContactAddress(from), address.channel == .sms else {
            throw WebhookInputError("from is not a mobile number")
        }
        guard let text else { throw WebhookInputError("missing text (the message: Kannel's %a, Twilio's Body)") }
        guard text.count <= maxTextLength else { throw WebhookInputError("text is longer than \(maxTextLength) characters") }
        return InboundReply(receivedAt: at, from: address, text: text, gateway: gateway)
    }

    /// The confirmation to send back after `outcome`, if one is configured.
    public static func confirmation(_ outcome: ReplyOutcome, settings: ReplySettings) -> String? {
        switch outcome {
        case .optedOut: settings.stopConfirmation
        case .optedIn: settings.startConfirmation
        case .stored: nil
        }
    }

    struct Route: Sendable {
        enum Provider { case kannel, twilio }

        let provider: Provider
        let store: any ReplyStore
        let settings: ReplySettings
        let maxBodySize: Int
        let logger: Logger
        var verifier = TwilioRequestVerifier(publicURL: nil, authTokens: [])

        func handle(_ request: Request, context: WebhookRequestContext) async throws -> Response {
            // Kannel's query carries the text in its own charset (an Arabic MO is UTF-16BE).
            let query = provider == .kannel ? try KannelInboundText.fields(request) : nil
            let (fields, body) = try await WebhookRequest.form(request, maxBodySize: maxBodySize, body: request.method == .post,
                                                              query: query)
            if provider == .twilio { try verifier.verify(request, body: body) }
            let reply: InboundReply
            do {
                reply = switch provider {
                case .kannel: try InboundSMS.reply(from: fields["from"], text: fields["text"], gateway: "kannel", at: Date())
                case .twilio: try InboundSMS.reply(from: fields["From"], text: fields["Body"], gateway: "twilio", at: Date())
                }
            } catch {
                throw WebhookRequest.malformed(error.message)
            }
            let action = settings.words.action(for: reply.text)
            let recorded = try await store.recordReply(reply, action: action)
            logger.info("reply recorded", metadata: ["gateway": "\(reply.gateway)", "outcome": "\(recorded.outcome.rawValue)",
                                                     "campaign": "\(recorded.campaign ?? "-")"])
            let answer = InboundSMS.confirmation(recorded.outcome, settings: settings)
            switch provider {
            case .kannel:
                // An empty body sends nothing when the sms-service has `omit-empty = true`.
                return KannelInboundText.answer(answer)
            case .twilio:
                let twiml = answer.map { "<Response><Message>\(HTMLText.escape($0))</Message></Response>" } ?? "<Response/>"
                return Response(status: .ok, headers: [.contentType: "application/xml; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(string: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + twiml)))
            }
        }
    }

    /// Registers the reply routes under the authenticated `/hooks/<secret>/` group.
    static func register(on hooks: RouterGroup<WebhookRequestContext>, store: any ReplyStore, settings: ReplySettings,
                         maxBodySize: Int, twilioVerifier: TwilioRequestVerifier, logger: Logger) {
        let kannel = Route(provider: .kannel, store: store, settings: settings, maxBodySize: maxBodySize, logger: logger)
        hooks.get("kannel/mo", use: kannel.handle)
        hooks.post("kannel/mo", use: kannel.handle)
        let twilio = Route(provider: .twilio, store: store, settings: settings, maxBodySize: maxBodySize, logger: logger,
                           verifier: twilioVerifier)
        hooks.post("twilio/inbound", use: twilio.handle)
    }
}

/// Escaping for text put into HTML or XML.
enum HTMLText {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
