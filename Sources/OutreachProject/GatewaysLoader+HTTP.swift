import OutreachCore
import Foundation
import Yams

/// `type: http`: a generic gateway, or a profile with the project's keys and
/// any generic key as an override.
extension GatewaysLoader {
    static let httpKeys = ["profile", "method", "url", "headers", "form", "json", "number_format", "accept_status",
                           "retry_status", "accept_when", "message_id", "message_id_pattern", "basic_auth", "bearer",
                           "callback", "inbound"]

    func readHTTP(_ reader: inout GatewayValueReader, what: String, profile: HTTPGatewayProfile?) throws(OutreachError) -> HTTPGatewaySettings {
        let file = reader.file, map = reader.map
        var settings: HTTPGatewaySettings
        if let profile {
            var values: [String: String] = [:]
            for parameter in profile.parameters {
                if parameter.required {
                    values[parameter.key] = try reader.requiredString(parameter.key, what: "\(what) (profile \(profile.name))",
                                                                      secret: parameter.secret)
                } else if let value = try reader.string(parameter.key, secret: parameter.secret) {
                    values[parameter.key] = value
                }
            }
            settings = profile.settings(values)
        } else {
            let url = try reader.requiredString("url", what: what, example: "https://sms.example/api/send")
            settings = HTTPGatewaySettings(url: url, bodyFormat: .none)
        }

        if let urlNode = map.value("url"), let url = try reader.string("url") {
            try checkTemplate(file, urlNode, url)
            try checkURL(url, schemes: ["http", "https"], key: "url", reader: reader, what: what)
            settings.url = url
        }
        if let method = try reader.string("method") {
            guard let m = HTTPRequest_Method(rawValue: method.uppercased()) else {
                throw file.error(.invalidValue, "\(what): method must be GET, POST or PUT", at: map.value("method")!)
            }
            settings.method = m.rawValue
        }
        if let node = map.value("headers") {
            let headers = try MappingReader(file, node, what: "\(what)'s headers")
            for pair in headers.pairs {
                guard Self.isHeaderName(pair.key) else {
                    throw file.error(.invalidValue, "'\(pair.key)' is not a header name", at: pair.keyNode)
                }
                let value = try templateValue(&reader, pair.value, key: pair.key) ?? ""
                if value.contains(where: { $0 == "\n" || $0 == "\r" }) {
                    throw file.error(.invalidValue, "header '\(pair.key)' must be one line", at: pair.value)
                }
                settings.headers[pair.key] = value
            }
        }
        if map.value("form") != nil, map.value("json") != nil {
            throw file.error(.invalidValue, "\(what): give either 'form' or 'json', not both", at: map.keyNode("json")!)
        }
        if let node = map.value("form") {
            let form = try MappingReader(file, node, what: "\(what)'s form")
            var pairs: [HTTPGatewaySettings.FieldPair] = []
            for pair in form.pairs {
                pairs.append(.init(name: pair.key, value: try templateValue(&reader, pair.value, key: pair.key) ?? ""))
            }
            settings.formFieldPairs = pairs
            settings.jsonBody = nil
            settings.bodyFormat = .form
        }
        if let node = map.value("json") {
            settings.jsonBody = try jsonTemplate(&reader, node)
            settings.formFieldPairs = []
            settings.bodyFormat = .json
        }
        if let text = try reader.string("number_format") {
            guard let format = HTTPGatewaySettings.NumberFormat(rawValue: text.lowercased()) else {
                throw file.error(.invalidValue, "\(what): number_format must be e164 (+9665…), digits (9665…) or 00 (009665…)",
                                 at: map.value("number_format")!)
            }
            settings.numberFormat = format
        }
        if let node = map.value("accept_status") { settings.acceptStatuses = try statusList(file, node, key: "accept_status") }
        if let node = map.value("retry_status") { settings.retryStatuses = try statusList(file, node, key: "retry_status") }
        if let node = map.value("accept_when") { settings.acceptWhen = try condition(&reader, node, what: what) }
        if let pointer = try reader.string("message_id") {
            guard pointer.isEmpty || pointer.hasPrefix("/") else {
                throw file.error(.invalidValue, "\(what): message_id must be a JSON pointer such as /data/MessageID", at: map.value("message_id")!)
            }
            settings.messageIDPointer = pointer
        }
        if let pattern = try reader.string("message_id_pattern") {
            guard let regex = try? NSRegularExpression(pattern: pattern), regex.numberOfCaptureGroups >= 1 else {
                throw file.error(.invalidValue, "\(what): message_id_pattern must be a regular expression with one capture group",
                                 at: map.value("message_id_pattern")!, hint: #"for example: 'Success "([^"]+)"'"#)
            }
            settings.messageIDPattern = pattern
        }
        if let node = map.value("basic_auth") {
            let auth = try MappingReader(file, node, what: "\(what)'s basic_auth")
            try auth.rejectUnknownKeys(["user", "password"], what: "basic_auth")
            var authReader = GatewayValueReader(auth, environment: environment)
            settings.basicAuth = .init(user: try authReader.requiredString("user", what: "basic_auth"),
                                       password: try authReader.requiredString("password", what: "basic_auth", secret: true))
            for secret in authReader.secrets where !reader.secrets.contains(secret) { settings.secrets.append(secret) }
        }
        if let bearer = try reader.string("bearer", secret: true) { settings.bearerToken = bearer }
        if settings.basicAuth != nil, settings.bearerToken != nil {
            throw file.error(.invalidValue, "\(what): give either basic_auth or bearer, not both", at: map.keyNode("bearer") ?? map.node)
        }
        if let node = map.value("callback") { settings.callback = try Self.readCallback(file, node, what: what) }
        if let node = map.value("inbound") { settings.inbound = try Self.readInbound(file, node, what: what) }
        if settings.method == "GET", settings.bodyFormat == .json {
            throw file.error(.invalidValue, "\(what): a GET request cannot carry a json body", at: map.value("method") ?? map.node,
                             hint: "use POST, or 'form' (sent as the query string of a GET)")
        }
        return settings
    }

    private enum HTTPRequest_Method: String { case GET, POST, PUT }

    static func isHeaderName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "!#$%&'*+-.^_`|~".unicodeScalars.contains($0))
        }
    }

    /// A form field or header value: text with placeholders, or YAML's
    /// reading of an unquoted `{text}` (a one-key mapping), taken as meant.
    private func templateValue(_ reader: inout GatewayValueReader, _ node: Node, key: String) throws(OutreachError) -> String? {
        if let placeholder = Self.bracedPlaceholder(node) { return "{\(placeholder.rawValue)}" }
        guard let value = try reader.string(node, key: key) else { return nil }
        try checkTemplate(reader.file, node, value)
        return value
    }

    /// `{text}` written without quotes is, to YAML, a mapping `{text: null}`.
    static func bracedPlaceholder(_ node: Node) -> GatewayPlaceholder? {
        guard case .mapping(let mapping) = node, mapping.count == 1, let (key, value) = mapping.first,
              let placeholder = key.string.flatMap(GatewayPlaceholder.init(rawValue:)) else { return nil }
        if case .scalar(let s) = value, s.string.isEmpty || s.string == "~" || s.string == "null" { return placeholder }
        return nil
    }

    /// Rejects `{unknown}` placeholders (with a suggestion), located at the brace.
    func checkTemplate(_ file: YAMLFile, _ node: Node, _ text: String) throws(OutreachError) {
        let raw = node.string ?? text
        let scalars = Array(raw.unicodeScalars)
        let names = GatewayPlaceholder.allCases.map(\.rawValue)
        for occurrence in GatewayPlaceholder.occurrences(in: raw) where occurrence.placeholder == nil {
            if occurrence.start > 0, scalars[occurrence.start - 1] == "$" { continue }
            var hint = "placeholders are: \(names.map { "{\($0)}" }.joined(separator: ", "))"
            if let close = NameSuggestion.closest(to: occurrence.name, in: names) { hint = "did you mean '{\(close)}'? " + hint }
            let offset = String(String.UnicodeScalarView(scalars[0..<occurrence.start])).count
            if let source = file.sourceText(of: node) {
                throw OutreachError(.unknownName, "unknown placeholder '{\(occurrence.name)}'", in: source, atCharacterOffset: offset, hint: hint)
            }
            throw file.error(.unknownName, "unknown placeholder '{\(occurrence.name)}'", at: node, hint: hint)
        }
    }

    /// `json:` as JSON text with placeholders, or as YAML (mapping or list)
    /// turned into that text. Checked: it must be JSON once filled in.
    private func jsonTemplate(_ reader: inout GatewayValueReader, _ node: Node) throws(OutreachError) -> String {
        let text: String
        if case .scalar = node {
            text = try reader.string(node, key: "json") ?? ""
            try checkTemplate(reader.file, node, text)
        } else {
            text = try jsonText(&reader, node)
        }
        let filled = GatewayTemplate.expandJSON(text, value: GatewayTemplate.sampleValue)
        guard (try? JSONSerialization.jsonObject(with: Data(filled.utf8), options: [.fragmentsAllowed])) != nil else {
            throw reader.file.error(.syntax, "'json' is not valid JSON once its placeholders are filled in", at: node,
                                    hint: #"write placeholders inside strings, e.g. {"to": "{to}", "text": "{text}"}"#)
        }
        return text
    }

    private func jsonText(_ reader: inout GatewayValueReader, _ node: Node) throws(OutreachError) -> String {
        if let placeholder = Self.bracedPlaceholder(node) { return "\"{\(placeholder.rawValue)}\"" }
        switch node {
        case .mapping(let mapping):
            var parts: [String] = []
            for (key, value) in mapping {
                parts.append(JSONText.quoted(key.string ?? "") + ": " + (try jsonText(&reader, value)))
            }
            return "{" + parts.joined(separator: ", ") + "}"
        case .sequence(let items):
            var parts: [String] = []
            for item in items { parts.append(try jsonText(&reader, item)) }
            return "[" + parts.joined(separator: ", ") + "]"
        case .scalar(let scalar):
            if scalar.style == .plain, let literal = Self.jsonLiteral(scalar.string) { return literal }
            let value = try reader.string(node, key: "json") ?? ""
            try checkTemplate(reader.file, node, value)
            return JSONText.quoted(value)
        default:
            throw reader.file.error(.invalidValue, "'json' holds something that is not JSON", at: node)
        }
    }

    /// Plain YAML scalars that are JSON values as written.
    static func jsonLiteral(_ text: String) -> String? {
        if ["true", "false", "null"].contains(text) { return text }
        if text == "~" || text.isEmpty { return "null" }
        if let _ = Double(text), text.first.map({ $0 == "-" || $0.isNumber }) == true, !text.hasPrefix("0") || text == "0" || text.hasPrefix("0.") {
            return text
        }
        return nil
    }

    /// `[200, 201]`, `200-299`, `"429, 500-599"`.
    private func statusList(_ file: YAMLFile, _ node: Node, key: String) throws(OutreachError) -> [Int] {
        var items: [(String, Node)] = []
        switch node {
        case .scalar(let s): items = s.string.split(separator: ",").map { (String($0), node) }
        case .sequence(let seq):
            for item in seq {
                guard let s = item.string else { throw file.error(.invalidValue, "'\(key)' must list statuses", at: item) }
                items.append((s, item))
            }
        default: throw file.error(.invalidValue, "'\(key)' must list statuses, e.g. [200, 201] or 500-599", at: node)
        }
        var statuses: [Int] = []
        for (raw, at) in items {
            let bounds = raw.split(separator: "-").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard (1...2).contains(bounds.count), let low = bounds.first!, let high = bounds.last!, low <= high,
                  (100...599).contains(low), (100...599).contains(high) else {
                throw file.error(.invalidValue, "'\(raw.trimmingCharacters(in: .whitespaces))' in '\(key)' is not an HTTP status or range", at: at,
                                 hint: "statuses are 100–599; a range is written 500-599")
            }
            statuses += Array(low...high)
        }
        return statuses
    }

    /// `{pointer: /success, equals: true}`; `equals` may be a list (any of).
    private func condition(_ reader: inout GatewayValueReader, _ node: Node, what: String) throws(OutreachError) -> HTTPGatewaySettings.JSONCondition {
        let map = try MappingReader(reader.file, node, what: "\(what)'s accept_when")
        try map.rejectUnknownKeys(["pointer", "equals"], what: "accept_when")
        var inner = GatewayValueReader(map, environment: environment)
        let pointer = try inner.requiredString("pointer", what: "accept_when", example: "/success")
        guard pointer.hasPrefix("/") else {
            throw reader.file.error(.invalidValue, "accept_when pointer must be a JSON pointer such as /success", at: map.value("pointer")!)
        }
        guard let equalsNode = map.value("equals") else {
            throw reader.file.error(.invalidValue, "accept_when needs 'equals'", at: node, hint: "for example: {pointer: /success, equals: true}")
        }
        func literal(_ n: Node) throws(OutreachError) -> String {
            guard case .scalar(let s) = n else {
                throw reader.file.error(.invalidValue, "accept_when equals must be a value or a list of values", at: n)
            }
            if s.style == .plain, let json = Self.jsonLiteral(s.string) { return json }
            return JSONText.quoted(s.string)
        }
        let equals: String
        if case .sequence(let items) = equalsNode {
            var parts: [String] = []
            for item in items { parts.append(try literal(item)) }
            equals = "[" + parts.joined(separator: ", ") + "]"
        } else {
            equals = try literal(equalsNode)
        }
        return .init(pointer: pointer, equals: equals)
    }
}
