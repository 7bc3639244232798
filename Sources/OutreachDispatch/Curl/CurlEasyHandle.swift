import CCurl
import OutreachCore

/// Owns one `CURL*` and what one transfer on it collects: the response
/// headers and body. Reused across transfers: the options that never change
/// (callbacks, protocols, HTTP version, user agent) are set once, and each
/// transfer sets only its own (URL, method, body, headers, timeouts).
/// Confined to the engine thread; libcurl requires an easy handle to be
/// used by one thread at a time.
final class CurlEasyHandle {
    struct Defaults {
        var userAgent: String
        var maxBodyBytes: Int
        var caBundlePath: String?
    }

    let raw: UnsafeMutableRawPointer
    /// libcurl writes its detailed error message here (CURLOPT_ERRORBUFFER).
    private let errorBuffer: UnsafeMutablePointer<CChar>
    /// This transfer's header lines, when the request has headers.
    private var requestHeaders: UnsafeMutablePointer<curl_slist>?
    /// `Expect:` alone (no 100-continue round trip), for requests without headers.
    private let noExpect: UnsafeMutablePointer<curl_slist>?
    /// Whether the per-handle options are set (false after `curl_easy_reset`).
    private var prepared = false

    /// The transfer being served, while one is.
    var submission: CurlSubmission?
    var headers: [HTTPHeader] = []
    var body: [UInt8] = []
    /// Bytes beyond this are read and dropped (a gateway answer is small).
    var maxBodyBytes = 1 << 20

    init?() {
        guard let handle = curl_easy_init() else { return nil }
        raw = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        noExpect = curl_slist_append(nil, "Expect:")
    }

    deinit {
        curl_easy_cleanup(raw)
        if let requestHeaders { curl_slist_free_all(requestHeaders) }
        if let noExpect { curl_slist_free_all(noExpect) }
        errorBuffer.deallocate()
    }

    /// Forgets the previous transfer's results (options stay for the next).
    func reset() {
        outreach_easy_setopt_slist(raw, CURLOPT_HTTPHEADER, noExpect)
        if let requestHeaders { curl_slist_free_all(requestHeaders) }
        requestHeaders = nil
        submission = nil
        headers = []
        body = []
        errorBuffer[0] = 0
    }

    /// libcurl's specific message for the last failure, if it wrote one.
    var errorMessage: String {
        errorBuffer[0] == 0 ? "" : String(cString: errorBuffer)
    }

    /// Sets every option for `request`. Returns an error for a request that
    /// cannot be attempted (header injection, an option libcurl refuses).
    func configure(for request: HTTPRequest, defaults: Defaults) -> TransportError? {
        maxBodyBytes = defaults.maxBodyBytes
        var failed: CURLcode = CURLE_OK
        func check(_ code: CURLcode) { if code != CURLE_OK && failed == CURLE_OK { failed = code } }

        if !prepared {
            prepare(defaults, check)
            prepared = true
        }
        check(outreach_easy_setopt_string(raw, CURLOPT_URL, request.url))
        check(outreach_easy_setopt_long(raw, CURLOPT_TIMEOUT_MS, Self.milliseconds(request.timeout)))
        check(outreach_easy_setopt_long(raw, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(request.connectTimeout)))
        // Over TLS, prefer waiting for a multiplexable (HTTP/2) connection to opening another.
        check(outreach_easy_setopt_long(raw, CURLOPT_PIPEWAIT, Self.isHTTPS(request.url) ? 1 : 0))

        switch request.method {
        case .get:
            check(outreach_easy_setopt_long(raw, CURLOPT_HTTPGET, 1))
            check(outreach_easy_setopt_string(raw, CURLOPT_CUSTOMREQUEST, nil))
        case .post, .put:
            check(outreach_easy_setopt_long(raw, CURLOPT_POST, 1))
            check(outreach_easy_setopt_string(raw, CURLOPT_CUSTOMREQUEST, request.method == .put ? "PUT" : nil))
            // Size first, then COPYPOSTFIELDS copies exactly that many bytes
            // (the body may contain NULs and need not outlive this call).
            check(outreach_easy_setopt_offset(raw, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)))
            request.body.withUnsafeBytes { bytes in
                let base = bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
                check(outreach_easy_setopt_pointer(raw, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: base)))
            }
        }

        if request.headers.isEmpty {
            check(outreach_easy_setopt_slist(raw, CURLOPT_HTTPHEADER, noExpect))
        } else {
            var list: UnsafeMutablePointer<curl_slist>?
            for header in request.headers {
                if Self.unsafe(header.name) || Self.unsafe(header.value) || header.name.isEmpty
                    || header.name.utf8.contains(UInt8(ascii: ":")) {
                    if let list { curl_slist_free_all(list) }
                    return TransportError(kind: .invalidRequest,
                                          detail: "header \(Self.unsafe(header.name) ? "name" : "'\(header.name)'") contains a line break or is malformed")
                }
                list = curl_slist_append(list, "\(header.name): \(header.value)")
            }
            list = curl_slist_append(list, "Expect:")
            requestHeaders = list
            check(outreach_easy_setopt_slist(raw, CURLOPT_HTTPHEADER, list))
        }

        if failed != CURLE_OK {
            // Start from libcurl's defaults next time rather than trust a half-set handle.
            curl_easy_reset(raw)
            prepared = false
            return TransportError(kind: .invalidRequest,
                                  detail: "libcurl refused an option: \(String(cString: curl_easy_strerror(failed)))",
                                  curlCode: Int(failed.rawValue))
        }
        return nil
    }

    /// The options every transfer on this handle shares.
    private func prepare(_ defaults: Defaults, _ check: (CURLcode) -> Void) {
        let context = Unmanaged.passUnretained(self).toOpaque()
        // Signals are process-wide and unsafe with threads (libcurl's advice).
        check(outreach_easy_setopt_long(raw, CURLOPT_NOSIGNAL, 1))
        check(outreach_easy_setopt_pointer(raw, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(errorBuffer)))
        // Only HTTP(S): `file://` or `smtp://` in a gateway URL is a mistake.
        check(outreach_easy_setopt_string(raw, CURLOPT_PROTOCOLS_STR, "http,https"))
        // HTTP/2 over TLS when the server offers it (ALPN), HTTP/1.1 otherwise.
        check(outreach_easy_setopt_long(raw, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS)))
        check(outreach_easy_setopt_long(raw, CURLOPT_TCP_KEEPALIVE, 1))
        check(outreach_easy_setopt_string(raw, CURLOPT_USERAGENT, defaults.userAgent))
        if let caBundlePath = defaults.caBundlePath {
            check(outreach_easy_setopt_string(raw, CURLOPT_CAINFO, caBundlePath))
        }
        check(outreach_easy_setopt_data_callback(raw, CURLOPT_WRITEFUNCTION) { data, size, count, context in
            guard let context else { return 0 }
            let handle = Unmanaged<CurlEasyHandle>.fromOpaque(context).takeUnretainedValue()
            let length = size * count
            if let data, length > 0, handle.body.count < handle.maxBodyBytes {
                let keep = min(length, handle.maxBodyBytes - handle.body.count)
                handle.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: keep))
            }
            return length
        })
        check(outreach_easy_setopt_pointer(raw, CURLOPT_WRITEDATA, context))
        check(outreach_easy_setopt_data_callback(raw, CURLOPT_HEADERFUNCTION) { data, size, count, context in
            guard let context else { return 0 }
            let handle = Unmanaged<CurlEasyHandle>.fromOpaque(context).takeUnretainedValue()
            let length = size * count
            if let data, length > 0 {
                handle.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: length))
            }
            return length
        })
        check(outreach_easy_setopt_pointer(raw, CURLOPT_HEADERDATA, context))
    }

    /// Whether the request went out (libcurl counts the bytes it sent): a failure after that is about the
    /// answer, not the request.
    var requestSent: Bool {
        var size = 0
        _ = outreach_easy_getinfo_long(raw, CURLINFO_REQUEST_SIZE, &size)
        return size > 0
    }

    /// The response, once libcurl reports the transfer done.
    func response() -> HTTPResponse {
        var code = 0
        _ = outreach_easy_getinfo_long(raw, CURLINFO_RESPONSE_CODE, &code)
        return HTTPResponse(status: code, headers: headers, body: body)
    }

    /// One header line as libcurl hands it over (with its CRLF). Parsed as
    /// bytes: `"\r\n"` is a single Character, and this runs per line.
    private func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        var end = bytes.count
        while end > 0, bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D { end -= 1 }
        if end >= 5, bytes[0] == UInt8(ascii: "H"), bytes[1] == UInt8(ascii: "T"), bytes[2] == UInt8(ascii: "T"),
           bytes[3] == UInt8(ascii: "P"), bytes[4] == UInt8(ascii: "/") {
            // A new response starts (after `100 Continue` or a redirect):
            // only the final one's headers count.
            headers.removeAll(keepingCapacity: true)
            return
        }
        guard let colon = bytes[..<end].firstIndex(of: UInt8(ascii: ":")) else { return }
        var start = colon + 1
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        let name = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[..<colon]), as: UTF8.self)
        let value = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        headers.append(HTTPHeader(name, value))
    }

    private static func isHTTPS(_ url: String) -> Bool {
        var prefix = url.utf8.prefix(6).makeIterator()
        for expected in "https:".utf8 {
            guard let byte = prefix.next(), byte | 0x20 == expected | 0x20 else { return false }
        }
        return true
    }

    private static func unsafe(_ text: String) -> Bool {
        text.utf8.contains { $0 == 0x0A || $0 == 0x0D || $0 == 0 }
    }

    static func milliseconds(_ duration: Duration) -> Int {
        // 0 would mean "no timeout" to libcurl; never let a tiny value become that.
        max(1, SaturatingTime.milliseconds(duration))
    }
}
