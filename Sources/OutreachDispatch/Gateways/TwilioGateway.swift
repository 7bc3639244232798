public import OutreachCore
public import Foundation

/// Twilio's Messages resource: a form POST to
/// `{base_url}/2010-04-01/Accounts/{AccountSid}/Messages.json` with basic
/// auth (account SID, auth token) and `To` (E.164), `From` or
/// `MessagingServiceSid`, `Body`, `StatusCallback`. Twilio answers 201 with
/// the message's `sid`; 429 and 5xx are retried; other 4xx (21211 invalid
/// number, 21610 unsubscribed…) are rejected. `base_url` points it at a
/// loopback server in tests.
public struct TwilioGateway: ClassifyingHTTPGateway {
    public let name: String
    public var channel: Channel { .sms }
    public let configuration: GatewayConfiguration
    public let settings: TwilioSettings
    let transport: any HTTPTransport
    let classifier: HTTPResponseClassifier
    let now: @Sendable () -> Date

    public init(configuration: GatewayConfiguration, settings: TwilioSettings, transport: any HTTPTransport,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.name = configuration.name
        self.configuration = configuration
        self.settings = settings
        self.transport = transport
        let authorization = String(HTTPGateway.basicAuthorization(user: settings.accountSID, password: settings.authToken).dropFirst("Basic ".count))
        self.classifier = HTTPResponseClassifier(messageIDPointer: "/sid",
                                                 secrets: configuration.secrets + [settings.authToken, authorization])
        self.now = now
    }

    public func request(for message: OutboundMessage) throws(HTTPRequestBuildError) -> HTTPRequest {
        guard message.channel == .sms else { throw HTTPRequestBuildError("gateway '\(name)' sends SMS, not \(message.channel.rawValue)") }
        let values = HTTPMessageValues(message, numberFormat: .plus, smartEncoding: configuration.smartEncoding,
                                       defaultSender: configuration.sender)
        guard !values.to.isEmpty else { throw HTTPRequestBuildError("message \(message.id) has no phone number") }
        var fields: [(name: String, value: String)] = [("To", values.to)]
        if let service = settings.messagingServiceSID {
            fields.append(("MessagingServiceSid", service))
        } else if !values.sender.isEmpty {
            fields.append(("From", values.sender))
        } else {
            throw HTTPRequestBuildError("no From: give the campaign or gateway a sender, or a messaging_service_sid")
        }
        fields.append(("Body", values.text))
        if let callback = settings.statusCallback { fields.append(("StatusCallback", callback)) }

        let base = settings.baseURL.hasSuffix("/") ? String(settings.baseURL.dropLast()) : settings.baseURL
        let url = base + "/2010-04-01/Accounts/" + HTTPPercentEncoding.encode(settings.accountSID) + "/Messages.json"
        return HTTPRequest(
            method: .post, url: url,
            headers: [
                HTTPHeader("Accept", "application/json"),
                HTTPHeader("Content-Type", "application/x-www-form-urlencoded"),
                HTTPHeader("Authorization", HTTPGateway.basicAuthorization(user: settings.accountSID, password: settings.authToken)),
            ],
            body: Array(HTTPPercentEncoding.form(fields).utf8),
            timeout: SaturatingTime.duration(seconds: configuration.timeoutSeconds),
            connectTimeout: SaturatingTime.duration(seconds: configuration.connectTimeoutSeconds),
            secrets: classifier.secrets)
    }
}
