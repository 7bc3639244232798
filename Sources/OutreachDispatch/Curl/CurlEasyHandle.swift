import CCurl

/// Owns one `CURL*` and what one transfer on it collects: the response
/// headers and body. Reused across transfers (`curl_easy_reset` keeps the
/// handle's connection and DNS caches warm). Confined to the engine thread;
/// libcurl requires an easy handle to be used by one thread at a time.
final class CurlEasyHandle {
    let raw: UnsafeMutableRawPointer
    /// libcurl writes its detailed error message here (CURLOPT_ERRORBUFFER).
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var headerList: UnsafeMutablePointer<curl_slist>?

    /// The transfer being served, while one is.
    var submission: CurlSubmission?
    var status = 0
    var headers: [HTTPHeader] = []
    var body: [UInt8] = []
    /// Bytes beyond this are read and dropped (a gateway answer is small).
    var maxBodyBytes = 1 << 20

    init?() {
        guard let handle = curl_easy_init() else { return nil }
        raw = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        curl_easy_cleanup(raw)
        if let headerList { curl_slist_free_all(headerList) }
        errorBuffer.deallocate()
    }

    /// Forgets the previous transfer's options and results.
    func reset() {
        curl_easy_reset(raw)
        if let headerList { curl_slist_free_all(headerList) }
        headerList = nil
        submission = nil
        status = 0
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
    func configure(for request: HTTPRequest, userAgent: String, maxBodyBytes: Int) -> TransportError? {
        self.maxBodyBytes = maxBodyBytes
        let context = Unmanaged.passUnretained(self).toOpaque()
        var failed: CURLcode = CURLE_OK
        func check(_ code: CURLcode) { if code != CURLE_OK && failed == CURLE_OK { failed = code } }

        // Signals are process-wide and unsafe with threads (libcurl's advice).
        check(outreach_easy_setopt_long(raw, CURLOPT_NOSIGNAL, 1))
        check(outreach_easy_setopt_pointer(raw, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(errorBuffer)))
        check(outreach_easy_setopt_string(raw, CURLOPT_URL, request.url))
        // Only HTTP(S): `file://` or `smtp://` in a gateway URL is a mistake.
        check(outreach_easy_setopt_string(raw, CURLOPT_PROTOCOLS_STR, "http,https"))
        check(outreach_easy_setopt_long(raw, CURLOPT_TIMEOUT_MS, Self.milliseconds(request.timeout)))
        check(outreach_easy_setopt_long(raw, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(request.connectTimeout)))
        // HTTP/2 over TLS when the server offers it (ALPN), HTTP/1.1 otherwise.
        check(outreach_easy_setopt_long(raw, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS)))
        if request.url.lowercased().hasPrefix("https:") {
            // Prefer waiting for a multiplexable connection to opening another.
            check(outreach_easy_setopt_long(raw, CURLOPT_PIPEWAIT, 1))
        }
        check(outreach_easy_setopt_long(raw, CURLOPT_TCP_KEEPALIVE, 1))
        check(outreach_easy_setopt_string(raw, CURLOPT_USERAGENT, userAgent))

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

        switch request.method {
        case .get:
            check(outreach_easy_setopt_long(raw, CURLOPT_HTTPGET, 1))
        case .post, .put:
            check(outreach_easy_setopt_long(raw, CURLOPT_POST, 1))
            if request.method == .put {
                check(outreach_easy_setopt_string(raw, CURLOPT_CUSTOMREQUEST, "PUT"))
            }
            // Size first, then COPYPOSTFIELDS copies exactly that many bytes
            // (the body may contain NULs and need not outlive this call).
            check(outreach_easy_setopt_offset(raw, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)))
            request.body.withUnsafeBytes { bytes in
                let base = bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
                check(outreach_easy_setopt_pointer(raw, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: base)))
            }
        }

        var list: UnsafeMutablePointer<curl_slist>?
        for header in request.headers {
            if Self.unsafe(header.name) || Self.unsafe(header.value) || header.name.isEmpty || header.name.contains(":") {
                if let list { curl_slist_free_all(list) }
                return TransportError(kind: .invalidRequest,
                                      detail: "header \(Self.unsafe(header.name) ? "name" : "'\(header.name)'") contains a line break or is malformed")
            }
            list = curl_slist_append(list, "\(header.name): \(header.value)")
        }
        // Small bodies: no `Expect: 100-continue` round trip.
        list = curl_slist_append(list, "Expect:")
        headerList = list
        check(outreach_easy_setopt_slist(raw, CURLOPT_HTTPHEADER, list))

        if failed != CURLE_OK {
            return TransportError(kind: .invalidRequest,
                                  detail: "libcurl refused an option: \(String(cString: curl_easy_strerror(failed)))",
                                  curlCode: Int(failed.rawValue))
        }
        return nil
    }

    /// The response, once libcurl reports the transfer done.
    func response() -> HTTPResponse {
        var code = 0
        _ = outreach_easy_getinfo_long(raw, CURLINFO_RESPONSE_CODE, &code)
        return HTTPResponse(status: code, headers: headers, body: body)
    }

    private func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        // Work on bytes: "\r\n" is one Character, so String suffix checks miss it.
        var end = bytes.count
        while end > 0, bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D { end -= 1 }
        let line = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[..<end]), as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            // A new response starts (after `100 Continue` or a redirect):
            // only the final one's headers count.
            headers = []
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = String(line[..<colon])
        let value = line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
        headers.append(HTTPHeader(name, String(value)))
    }

    private static func unsafe(_ text: String) -> Bool {
        text.utf8.contains { $0 == 0x0A || $0 == 0x0D || $0 == 0 }
    }

    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        let total = Double(seconds) * 1000 + Double(attoseconds) / 1e15
        // 0 would mean "no timeout" to libcurl; never let a tiny value become that.
        return max(1, Int(total.rounded(.up)))
    }
}
