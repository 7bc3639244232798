/// A transfer that produced no HTTP answer. Every case is retryable except
/// `invalidRequest` (a request the transport cannot even attempt).
public struct TransportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, from libcurl's result code; the raw value starts the error's description.
    public enum Kind: String, Sendable, Hashable {
        case connectionRefused
        case connectionReset
        case timeout
        case nameResolution
        case tls
        /// The other side answered, but not with HTTP (a broken proxy, a service half up, another
        /// protocol on the port): retryable, as the next attempt may reach a working one.
        case invalidResponse
        case invalidRequest
        case other
    }

    public var kind: Kind
    /// libcurl's error text (with any secret already masked).
    public var detail: String
    /// The libcurl result code, when there was one.
    public var curlCode: Int?

    public init(kind: Kind, detail: String, curlCode: Int? = nil) {
        self.kind = kind
        self.detail = detail
        self.curlCode = curlCode
    }

    public var isRetryable: Bool { kind != .invalidRequest }

    public var description: String { "\(kind.rawValue): \(detail)" }
}
