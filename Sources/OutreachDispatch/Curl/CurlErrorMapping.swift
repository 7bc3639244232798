import CCurl

/// Turns a libcurl result code into the transport's error kinds, which is
/// what decides retry or reject upstream.
enum CurlErrorMapping {
    /// `requestSent`: whether the request went out before the failure.
    static func kind(for code: CURLcode, requestSent: Bool = false) -> TransportError.Kind {
        switch code {
        // An answer that is not HTTP (libcurl: "Received HTTP/0.9 when not allowed", "Unsupported HTTP
        // version", a malformed status line): a broken proxy or a service half up is transient. Before
        // the request went out, the same code means an unsupported URL scheme: the request is invalid.
        case CURLE_UNSUPPORTED_PROTOCOL where requestSent, CURLE_WEIRD_SERVER_REPLY:
            return .invalidResponse
        case CURLE_COULDNT_CONNECT:
            return .connectionRefused
        case CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_HTTP2_STREAM:
            return .connectionReset
        case CURLE_OPERATION_TIMEDOUT:
            return .timeout
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .nameResolution
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR,
             CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT, CURLE_USE_SSL_FAILED:
            return .tls
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL, CURLE_BAD_FUNCTION_ARGUMENT:
            return .invalidRequest
        default:
            return .other
        }
    }

    static func error(for code: CURLcode, message: String, requestSent: Bool = false) -> TransportError {
        let summary = String(cString: curl_easy_strerror(code))
        var detail = message.isEmpty || message == summary ? summary : "\(summary): \(message)"
        let kind = kind(for: code, requestSent: requestSent)
        if kind == .invalidResponse { detail = "the gateway answered with something that is not HTTP (\(detail))" }
        return TransportError(kind: kind, detail: detail, curlCode: Int(code.rawValue))
    }
}
