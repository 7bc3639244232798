public import OutreachCore
public import Foundation

/// A generic HTTP SMS gateway (local aggregators and the built-in profiles:
/// Unifonic, Taqnyat, Msegat, 4jawaly, Jasmin): the request is built from
/// the settings' templates over `{to}`, `{text}`, `{sender}`, `{message_id}`,
/// `{encoding}`…, each value escaped for where it lands; the answer is
/// classified by `HTTPResponseClassifier`.
///
/// `request(for:)` and `classify` are pure, so the exact bytes a provider
/// receives are unit-tested without a network; `send` joins them over the
/// transport.
public struct HTTPGateway: ClassifyingHTTPGateway {
    public let name: String
    public var channel: Channel { .sms }
    public let configuration: GatewayConfiguration
    public let settings: HTTPGatewaySettings
    let transport: any HTTPTransport
    let classifier: HTTPResponseClassifier
    let now: @Sendable () -> Date
    /// The settings' templates, split once.
    let url: GatewayTemplate
    let headerTemplates: [(name: String, template: GatewayTemplate)]
    let formTemplates: [(name: String, template: GatewayTemplate)]
    let jsonTemplate: GatewayTemplate

    public init(configuration: GatewayConfiguration, settings: HTTPGatewaySettings, transport: any HTTPTransport,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.name = configuration.name
        self.configuration = configuration
        self.settings = settings
        self.transport = transport
        self.classifier = HTTPResponseClassifier(settings, secrets: configuration.secrets + Self.authSecrets(settings))
        self.now = now
        self.url = GatewayTemplate(settings.url)
        self.headerTemplates = settings.headers.sorted { $0.key < $1.key }.map { ($0.key, GatewayTemplate($0.value)) }
        self.formTemplates = settings.formFieldPairs.map { ($0.name, GatewayTemplate($0.value)) }
        self.jsonTemplate = GatewayTemplate(settings.jsonBody ?? "{}", json: true)
    }

    /// The request for one message: URL with its placeholders
    /// percent-encoded, form fields (or a GET's query) percent-encoded, a
    /// JSON body with values JSON-escaped, headers checked for line breaks.
    public func request(for message: OutboundMessage) throws(HTTPRequestBuildError) -> HTTPRequest {
        guard message.channel == .sms else { throw HTTPRequestBuildError("gateway '\(name)' sends SMS, not \(message.channel.rawValue)") }
        let values = HTTPMessageValues(message, numberFormat: settings.numberFormat,
                                       smartEncoding: configuration.smartEncoding, defaultSender: configuration.sender)
        guard !values.to.isEmpty else { throw HTTPRequestBuildError("message \(message.id) has no phone number") }
        guard let method = HTTPRequest.Method(rawValue: settings.method.uppercased()) else {
            throw HTTPRequestBuildError("method \(settings.method) is not GET, POST or PUT")
        }

        var url = self.url.render(escape: HTTPPercentEncoding.encode, value: values.value)
        var headers: [HTTPHeader] = []
        for (headerName, template) in headerTemplates {
            let value = template.render(value: values.value)
            guard !value.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\t" || $0.value == 0x7F }) else {
                throw HTTPRequestBuildError("header \(headerName) would contain a line break or control character")
            }
            headers.append(HTTPHeader(headerName, value))
        }
        func hasHeader(_ wanted: String) -> Bool { headers.contains { $0.name.lowercased() == wanted.lowercased() } }

        var body: [UInt8] = []
        switch settings.bodyFormat {
        case .form:
            var pairs: [(name: String, value: String)] = []
            for (fieldName, template) in formTemplates {
                let value = template.render(value: values.value)
                if value.isEmpty, template.solePlaceholder != nil { continue }
                pairs.append((fieldName, value))
            }
            let encoded = HTTPPercentEncoding.form(pairs)
            if method == .get {
                if !encoded.isEmpty { url += (url.contains("?") ? "&" : "?") + encoded }
            } else {
                body = Array(encoded.utf8)
                if !hasHeader("Content-Type") { headers.append(HTTPHeader("Content-Type", "application/x-www-form-urlencoded")) }
            }
        case .json:
            body = Array(jsonTemplate.render(value: values.value).utf8)
            if !hasHeader("Content-Type") { headers.append(HTTPHeader("Content-Type", "application/json")) }
        case .none:
            break
        }
        if !hasHeader("Authorization") {
            if let auth = settings.basicAuth {
                headers.append(HTTPHeader("Authorization", Self.basicAuthorization(user: auth.user, password: auth.password)))
            } else if let token = settings.bearerToken {
                headers.append(HTTPHeader("Authorization", "Bearer " + token))
            }
        }
        return HTTPRequest(method: method, url: url, headers: headers, body: body,
                           timeout: SaturatingTime.duration(seconds: configuration.timeoutSeconds),
                           connectTimeout: SaturatingTime.duration(seconds: configuration.connectTimeoutSeconds),
                           secrets: classifier.secrets)
    }

    /// `Basic base64(user:password)`.
    public static func basicAuthorization(user: String, password: String) -> String {
        "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }

    /// The secrets that appear in headers in another spelling.
    static func authSecrets(_ settings: HTTPGatewaySettings) -> [String] {
        guard let auth = settings.basicAuth else { return [] }
        return [String(basicAuthorization(user: auth.user, password: auth.password).dropFirst("Basic ".count)), auth.password]
    }
}
