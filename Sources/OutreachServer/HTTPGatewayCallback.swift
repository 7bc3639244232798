import Foundation
import Hummingbird
import Logging
import OutreachCore

/// The generic `http` gateway's webhooks, read through its field mapping in gateways.yaml:
/// delivery reports at `…/hooks/<secret>/http/<gateway>/dlr` (`callback:`) and replies at
/// `…/hooks/<secret>/http/<gateway>/inbound` (`inbound:`). A gateway without the mapping has no such
/// route (401, as any unknown hook).
public enum HTTPGatewayCallback {
    /// The fields of a callback: the query string, and a form or JSON body.
    struct Fields {
        var form: FormFields
        var json: Any?

        /// A field by name, or by JSON pointer (`/data/id`) in a JSON body; numbers and booleans as text.
        func value(_ field: String) -> String? {
            if let json, let value = Self.lookup(field, in: json) { return value }
            return field.hasPrefix("/") ? nil : form[field]
        }

        static func lookup(_ field: String, in json: Any) -> String? {
            var node: Any? = json
            if field.hasPrefix("/") {
                for token in field.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
                    let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
                    if let object = node as? [String: Any] { node = object[key] }
                    else if let array = node as? [Any], let index = Int(key), array.indices.contains(index) { node = array[index] }
                    else { return nil }
                }
            } else {
                node = (json as? [String: Any])?[field]
            }
            switch node {
            case let text as String: return text
            case let number as NSNumber: return number.stringValue
            default: return nil
            }
        }
    }

    /// The report a callback carries under `mapping`; nil for statuses on the way. Throws naming the field.
    static func report(_ fields: Fields, mapping: HTTPCallbackMapping, gateway: String, at: Date) throws(WebhookInputError) -> DeliveryReport? {
        guard let id = fields.value(mapping.messageIDField), !id.isEmpty else {
            throw WebhookInputError("missing \(mapping.messageIDField) (the message id)")
        }
        guard id.utf8.count <= 200, id.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) else {
            throw WebhookInputError("\(mapping.messageIDField) is not a message id")
        }
        guard let value = fields.value(mapping.statusField), !value.isEmpty, value.utf8.count <= 60 else {
            throw WebhookInputError("missing \(mapping.statusField) (the status)")
        }
        guard let status = mapping.status(for: value) else { return nil }
        var detail = "\(gateway) \(value)"
        if let field = mapping.reasonField, let reason = fields.value(field), !reason.isEmpty {
            detail += " (" + String(reason.prefix(120)) + ")"
        }
        let key: DeliveryReport.Key = mapping.idKind == .provider ? .providerMessageID(id) : .messageID(id)
        return DeliveryReport(key: key, status: status, detail: detail, at: at)
    }

    /// Reads the query string and the body in the mapping's format (413 past `maxBodySize`, 400 malformed).
    static func fields(_ request: Request, format: HTTPCallbackMapping.Format, maxBodySize: Int) async throws -> Fields {
        switch format {
        case .form:
            return Fields(form: try await WebhookRequest.fields(request, maxBodySize: maxBodySize, body: request.method == .post))
        case .json:
            let query = try WebhookRequest.query(request)
            let buffer = try await request.body.collect(upTo: maxBodySize)
            guard buffer.readableBytes > 0 else { return Fields(form: query, json: nil) }
            guard let json = try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView), options: [.fragmentsAllowed]),
                  json is [String: Any] || json is [Any] else {
                throw WebhookRequest.malformed("the body is not a JSON object")
            }
            return Fields(form: query, json: json)
        }
    }

    struct Routes: Sendable {
        let gateways: WebhookGateways
        let reports: DeliveryReportBatcher
        let store: any ReplyStore
        let settings: ReplySettings
        let maxBodySize: Int
        let logger: Logger

        func gateway(_ context: WebhookRequestContext) -> String {
            context.parameters.get("gateway") ?? ""
        }

        func report(_ request: Request, context: WebhookRequestContext) async throws -> Response {
            let name = gateway(context)
            guard let mapping = gateways.callbacks[name] else { throw HTTPError(.notFound) }
            let fields = try await HTTPGatewayCallback.fields(request, format: mapping.format, maxBodySize: maxBodySize)
            let report: DeliveryReport?
            do {
                report = try HTTPGatewayCallback.report(fields, mapping: mapping, gateway: name, at: Date())
            } catch {
                throw WebhookRequest.malformed(error.message)
            }
            guard let report else { return WebhookRequest.text(.ok, "ignored (not a final status)") }
            try await reports.record(report)
            return WebhookRequest.text(.ok, "ok")
        }

        func inbound(_ request: Request, context: WebhookRequestContext) async throws -> Response {
            let name = gateway(context)
            guard let mapping = gateways.inbound[name] else { throw HTTPError(.notFound) }
            let fields = try await HTTPGatewayCallback.fields(request, format: mapping.format, maxBodySize: maxBodySize)
            guard let from = fields.value(mapping.fromField) else { throw WebhookRequest.malformed("missing \(mapping.fromField) (the sender)") }
            guard let text = fields.value(mapping.textField) else { throw WebhookRequest.malformed("missing \(mapping.textField) (the text)") }
            let reply: InboundReply
            do {
                reply = try InboundSMS.reply(from: from, text: text, gateway: name, at: Date())
            } catch {
                throw WebhookRequest.malformed(error.message)
            }
            let recorded = try await store.recordReply(reply, action: settings.words.action(for: reply.text))
            logger.info("reply recorded", metadata: ["gateway": "\(name)", "outcome": "\(recorded.outcome.rawValue)",
                                                     "campaign": "\(recorded.campaign ?? "-")"])
            // The answer is the confirmation (empty when none), as for Kannel; whether it is sent on depends on the provider.
            return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: InboundSMS.confirmation(recorded.outcome, settings: settings) ?? "")))
        }

        func register(on hooks: RouterGroup<WebhookRequestContext>) {
            hooks.get("http/:gateway/dlr", use: report)
            hooks.post("http/:gateway/dlr", use: report)
            hooks.get("http/:gateway/inbound", use: inbound)
            hooks.post("http/:gateway/inbound", use: inbound)
        }
    }
}
