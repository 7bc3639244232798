import Foundation
import OutreachCore
import Yams

/// `callback:` and `inbound:` of a generic `http` gateway: the field mapping
/// `outreach serve` reads the provider's delivery reports and replies with.
///
/// ```yaml
/// callback:                  # POST …/hooks/SECRET/http/<gateway>/dlr
///   format: json             # or form (default); the query string is read too
///   message_id: /data/id     # a field name, or a JSON pointer
///   id: provider             # the id the send's answer gave (default), or ours ({message_id})
///   status: /data/status
///   delivered: [DELIVRD, delivered]
///   failed: [UNDELIV, REJECTD, failed]
///   expired: [EXPIRED]
///   reason: /data/error      # optional
/// inbound:                   # POST/GET …/hooks/SECRET/http/<gateway>/inbound
///   from: sender
///   text: message
/// ```
extension GatewaysLoader {
    static let callbackKeys = ["format", "message_id", "id", "status", "delivered", "failed", "expired", "reason"]
    static let inboundKeys = ["format", "from", "text"]

    static func readCallback(_ file: YAMLFile, _ node: Node, what: String) throws(OutreachError) -> HTTPCallbackMapping {
        let map = try MappingReader(file, node, what: "\(what)'s callback")
        try map.rejectUnknownKeys(callbackKeys, what: "callback")
        let format = try readFormat(map, what: what)
        let idField = try field(map, "message_id", what: "\(what)'s callback", example: "MessageID or /data/id")
        let statusField = try field(map, "status", what: "\(what)'s callback", example: "Status or /data/status")
        var idKind = HTTPCallbackMapping.IDKind.provider
        if let text = try map.string("id") {
            guard let kind = HTTPCallbackMapping.IDKind(rawValue: text.lowercased()) else {
                throw file.error(.invalidValue, "\(what)'s callback: id must be provider or ours", at: map.value("id")!,
                                 hint: "provider: the id the gateway's answer to the send gave (message_id); ours: the {message_id} the send passed on")
            }
            idKind = kind
        }
        var statuses: [String: DeliveryReport.Status] = [:]
        for (key, status) in [("delivered", DeliveryReport.Status.delivered), ("failed", .failed), ("expired", .expired)] {
            guard let node = map.value(key) else { continue }
            let values: [String]
            switch node {
            case .scalar(let s): values = [s.string]
            case .sequence(let seq):
                var out: [String] = []
                for item in seq {
                    guard case .scalar(let s) = item, !s.string.isEmpty else {
                        throw file.error(.invalidValue, "\(what)'s callback \(key): each value must be a text", at: item)
                    }
                    out.append(s.string)
                }
                values = out
            default:
                throw file.error(.invalidValue, "\(what)'s callback \(key) must be a list of the provider's status values", at: node)
            }
            for value in values {
                if let other = statuses[value.lowercased()], other != status {
                    throw file.error(.invalidValue, "\(what)'s callback: status '\(value)' is both \(other.rawValue) and \(key)", at: node)
                }
                statuses[value.lowercased()] = status
            }
        }
        guard !statuses.isEmpty else {
            throw file.error(.invalidValue, "\(what)'s callback maps no status value", at: node,
                             hint: "list the provider's values, e.g. delivered: [DELIVRD] and failed: [UNDELIV, REJECTD]")
        }
        let reason = map.value("reason") == nil ? nil : try field(map, "reason", what: "\(what)'s callback", example: "error")
        return HTTPCallbackMapping(format: format, messageIDField: idField, idKind: idKind, statusField: statusField,
                                   statuses: statuses, reasonField: reason)
    }

    static func readInbound(_ file: YAMLFile, _ node: Node, what: String) throws(OutreachError) -> HTTPInboundMapping {
        let map = try MappingReader(file, node, what: "\(what)'s inbound")
        try map.rejectUnknownKeys(inboundKeys, what: "inbound")
        return HTTPInboundMapping(format: try readFormat(map, what: what),
                                  fromField: try field(map, "from", what: "\(what)'s inbound", example: "sender"),
                                  textField: try field(map, "text", what: "\(what)'s inbound", example: "message"))
    }

    private static func readFormat(_ map: MappingReader, what: String) throws(OutreachError) -> HTTPCallbackMapping.Format {
        guard let text = try map.string("format") else { return .form }
        guard let format = HTTPCallbackMapping.Format(rawValue: text.lowercased()) else {
            throw map.file.error(.invalidValue, "\(what): format must be form or json", at: map.value("format")!)
        }
        return format
    }

    /// A field name or a JSON pointer: one line, no spaces at its ends.
    private static func field(_ map: MappingReader, _ key: String, what: String, example: String) throws(OutreachError) -> String {
        guard let text = try map.string(key), !text.isEmpty else {
            throw map.file.error(.invalidValue, "\(what) needs '\(key)' (the field that carries it)", at: map.value(key) ?? map.node,
                                 hint: "e.g. \(key): \(example)")
        }
        guard text == text.trimmingCharacters(in: .whitespaces), !text.contains(where: \.isNewline), text.utf8.count <= 200 else {
            throw map.file.error(.invalidValue, "\(what) \(key): '\(text)' is not a field name or a JSON pointer", at: map.value(key)!)
        }
        return text
    }
}
