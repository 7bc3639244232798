/// One HTTP request a gateway wants made, built from a message; the
/// transport (libcurl) performs it. Plain value: building requests is pure
/// and testable without a network.
public struct HTTPRequest: Sendable, Hashable {
    /// The HTTP methods gateways use.
    public enum Method: String, Sendable, Hashable {
        case get = "GET"
        case post = "POST"
        case put = "PUT"
    }

    public var method: Method
    /// Absolute URL with any query string already percent-encoded.
    public var url: String
    /// Header lines in order (`Content-Type`, `Authorization`, …).
    public var headers: [HTTPHeader]
    public var body: [UInt8]
    /// Whole-transfer timeout. libcurl counts time queued behind the
    /// per-host connection cap in it, so the engine starts the clock only
    /// when the transfer is handed to the multi handle.
    public var timeout: Duration
    public var connectTimeout: Duration
    /// Values that must never be printed (passwords, tokens): the exchange
    /// printer and error messages replace each with `***`.
    public var secrets: [String]

    public init(method: Method, url: String, headers: [HTTPHeader] = [], body: [UInt8] = [],
                timeout: Duration = .seconds(30), connectTimeout: Duration = .seconds(10),
                secrets: [String] = []) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.secrets = secrets
    }
}

/// One request header, in the order written (names may repeat). Values holding a line break are refused
/// when the request is built, so a header cannot be injected.
public struct HTTPHeader: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}
