/// A transfer that produced no HTTP answer. Every case is retryable except
/// `invalidRequest` (a request the transport cannot even attempt).
public struct TransportError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        case connectionRefused
        case connectionReset
        case timeout
        case nameResolution
        case tls
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
