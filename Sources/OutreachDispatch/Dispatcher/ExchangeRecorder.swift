import OutreachCore
import Synchronization

/// An `HTTPTransport` that keeps every request and what came back, for
/// `outreach gateway test` to print. Secrets are masked when the exchange
/// is written out (every spelling `SecretMask` knows, and every
/// `Authorization` value), never stored unmasked in the transcript.
public final class ExchangeRecorder: HTTPTransport {
    /// One request and its answer (or the transport error).
    public struct Exchange: Sendable {
        public var request: HTTPRequest
        public var response: HTTPResponse?
        public var error: TransportError?
        public var seconds: Double
    }

    private let transport: any HTTPTransport
    private let extraSecrets: [String]
    private let log = Mutex<[Exchange]>([])

    /// `secrets`: values to mask besides those the requests declare.
    public init(_ transport: any HTTPTransport, secrets: [String] = []) {
        self.transport = transport
        self.extraSecrets = secrets
    }

    /// Stops the transport it records.
    public func stop() async { await transport.stop() }

    public func perform(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
        let clock = ContinuousClock()
        let started = clock.now
        do {
            let response = try await transport.perform(request)
            record(Exchange(request: request, response: response, error: nil,
                            seconds: SystemDispatchClock.seconds(clock.now - started)))
            return response
        } catch {
            record(Exchange(request: request, response: nil, error: error,
                            seconds: SystemDispatchClock.seconds(clock.now - started)))
            throw error
        }
    }

    private func record(_ exchange: Exchange) {
        log.withLock { $0.append(exchange) }
    }

    public var exchanges: [Exchange] { log.withLock { $0 } }

    /// Every exchange written out for people, secrets masked.
    public func transcript() -> String {
        exchanges.map { Self.transcript($0, extraSecrets: extraSecrets) }.joined(separator: "\n\n")
    }

    /// One exchange: `> ` lines went out, `< ` lines came back.
    public static func transcript(_ exchange: Exchange, extraSecrets: [String] = []) -> String {
        let mask = SecretMask(exchange.request.secrets + extraSecrets)
        let request = exchange.request
        var lines: [String] = []
        lines.append("> \(request.method.rawValue) \(mask.apply(request.url))")
        for header in request.headers {
            lines.append("> \(header.name): \(maskedHeaderValue(header, mask))")
        }
        if !request.body.isEmpty {
            lines.append(">")
            lines.append(contentsOf: bodyLines(request.body, mask).map { "> " + $0 })
        }
        if let response = exchange.response {
            lines.append("< HTTP \(response.status)")
            for header in response.headers {
                lines.append("< \(header.name): \(maskedHeaderValue(header, mask))")
            }
            if !response.body.isEmpty {
                lines.append("<")
                lines.append(contentsOf: bodyLines(response.body, mask).map { "< " + $0 })
            }
        } else if let error = exchange.error {
            lines.append("! no answer: \(mask.apply(error.description))")
        }
        lines.append("(\(formatSeconds(exchange.seconds)))")
        return lines.joined(separator: "\n")
    }

    static func maskedHeaderValue(_ header: HTTPHeader, _ mask: SecretMask) -> String {
        let name = header.name.lowercased()
        if name == "authorization" || name == "proxy-authorization" {
            // "Basic dXNlcjpwYXNz" hides the password in base64: mask all but the scheme.
            let scheme = header.value.split(separator: " ", maxSplits: 1).first.map(String.init) ?? ""
            return scheme.isEmpty ? "***" : "\(scheme) ***"
        }
        if ["x-api-key", "api-key", "x-auth-token", "cookie", "set-cookie"].contains(name) { return "***" }
        return mask.apply(header.value)
    }

    static func bodyLines(_ body: [UInt8], _ mask: SecretMask) -> [String] {
        let limit = 8192
        var text = String(decoding: body.prefix(limit), as: UTF8.self)
        if body.count > limit { text += "… (\(body.count) bytes)" }
        return mask.apply(text).split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
    }

    static func formatSeconds(_ s: Double) -> String {
        let ms = (s * 1000).rounded()
        return ms < 1000 ? "\(Int(ms)) ms" : "\(Double(Int(ms)) / 1000) s"
    }
}
