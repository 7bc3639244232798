import Foundation
public import Hummingbird

/// The request context of `outreach serve`'s routes: Hummingbird's basic one
/// plus the address the request came from, for the per-source rate limit.
public struct WebhookRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer's IP address (nil in router tests, which have no connection).
    public let remoteIP: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteIP = source.channel.remoteAddress?.ipAddress
    }

    /// Whom a request counts against: the peer, or, when the peer is a reverse proxy on this machine
    /// (loopback), the address the proxy put last in `X-Forwarded-For` (the one it saw).
    func source(of request: Request) -> String {
        let peer = remoteIP ?? ""
        let local = peer.isEmpty || peer.hasPrefix("127.") || peer == "::1" || peer.hasPrefix("::ffff:127.")
        if local, let forwarded = request.headers[HeaderName.xForwardedFor],
           let last = forwarded.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !last.isEmpty, last.utf8.count <= 64 {
            return last
        }
        return peer.isEmpty ? "unknown" : peer
    }
}

/// Header names Hummingbird does not predefine.
enum HeaderName {
    static let xForwardedFor = HTTPFields.Element.Name("X-Forwarded-For")!
    static let xTwilioSignature = HTTPFields.Element.Name("X-Twilio-Signature")!
    static let xKannelCoding = HTTPFields.Element.Name("X-Kannel-Coding")!
}
