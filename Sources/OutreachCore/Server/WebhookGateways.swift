/// What `outreach serve` takes from gateways.yaml: the Twilio auth tokens it
/// checks `X-Twilio-Signature` with, and the generic `http` gateways' callback
/// and inbound field mappings (by gateway name).
public struct WebhookGateways: Sendable, Equatable {
    /// Every Twilio gateway's auth token; when any is given, Twilio webhooks must carry a valid signature.
    public var twilioAuthTokens: [String] = []
    public var callbacks: [String: HTTPCallbackMapping] = [:]
    public var inbound: [String: HTTPInboundMapping] = [:]

    public init() {}

    public init(_ gateways: [GatewayConfiguration]) {
        for gateway in gateways {
            switch gateway.settings {
            case .twilio(let twilio) where !twilio.authToken.isEmpty:
                if !twilioAuthTokens.contains(twilio.authToken) { twilioAuthTokens.append(twilio.authToken) }
            case .http(let http):
                callbacks[gateway.name] = http.callback
                inbound[gateway.name] = http.inbound
            default:
                break
            }
        }
    }
}
