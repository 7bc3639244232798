/// Where `outreach serve` listens and how it is reached from outside
/// (`server:` in outreach.yaml). The webhook secret is not here: it comes
/// from the environment (`OUTREACH_WEBHOOK_SECRET`), never from a file.
public struct ServerConfiguration: Sendable, Hashable {
    /// Host name or address to bind (`127.0.0.1` by default: TLS and the
    /// public address are a reverse proxy's job).
    public var host: String = "127.0.0.1"
    public var port: Int = 8080
    /// The address the gateways call (`https://…`), behind the reverse
    /// proxy; used to print the URLs to configure.
    public var publicURL: String?
    /// Largest webhook body accepted; larger ones get 413.
    public var maxBodySize: Int = 64 * 1024
    /// At most this many delivery reports are written in one transaction.
    public var reportBatchSize: Int = 500
    /// Serve `/metrics` (Prometheus text format, unauthenticated like `/healthz`); `server: {metrics: false}`
    /// turns it off.
    public var metrics: Bool = true
    /// Webhook requests per source address (a token bucket: `perSecond` sustained, `burst` at once); more get
    /// 429 with `Retry-After`. nil: no limit. The default is far above what one gateway's delivery reports
    /// need (a campaign sent at 500/s brings about 500 reports a second) and far below a flood.
    public var rateLimit: RateLimit? = Self.defaultRateLimit
    public static let defaultRateLimit = RateLimit(perSecond: 2_000, burst: 10_000)

    public init() {}

    public init(host: String, port: Int, publicURL: String? = nil) {
        self.host = host
        self.port = port
        self.publicURL = publicURL
    }

    /// `host:port` (`[::1]:8080` for IPv6) as written in `server.listen`;
    /// nil when it is not one.
    public static func listenAddress(_ text: String) -> (host: String, port: Int)? {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "/" }),
              portText.allSatisfy(\.isASCII), let port = Int(portText), (1...65_535).contains(port) else { return nil }
        return (String(host), port)
    }

    /// Whether `text` is an absolute http(s) URL with a host, as `server.public_url` must be.
    public static func isPublicURL(_ text: String) -> Bool {
        for scheme in ["https://", "http://"] where text.lowercased().hasPrefix(scheme) {
            let rest = text.dropFirst(scheme.count)
            let host = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
            return !host.isEmpty && !host.contains(" ") && !text.contains(where: \.isWhitespace)
        }
        return false
    }
}
