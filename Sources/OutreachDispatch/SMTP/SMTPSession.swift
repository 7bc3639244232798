internal import CCurl

/// One libcurl easy handle used for SMTP: one transaction at a time, driven
/// by `SMTPSessionPool`'s multi handle.
///
/// The options that never change for a gateway (URL, STARTTLS policy,
/// credentials, CA, timeouts, callbacks) are set once when the session is
/// made; a transaction sets only its envelope and size (`begin`). The
/// callbacks reach the session through an `Unmanaged` pointer to it (never a
/// global), and the session keeps the message's bytes and the server's reply
/// lines while a transaction runs.
///
/// Not thread-safe by design: only the pool's thread ever touches a
/// session, as libcurl requires of an easy handle. `deinit` cleans the
/// handle up; the connection itself lives in the multi handle's cache and is
/// closed (with `QUIT`) when the pool cleans the multi handle up.
final class SMTPSession {
    let handle: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>
    /// Whether the fixed options were all accepted; a session whose setup
    /// failed reports that error for every transaction instead of sending.
    private var setupError = CURLE_OK
    /// The recipient list of the transaction in flight (libcurl keeps
    /// the pointer, not a copy), freed when replaced or in `deinit`.
    private var recipients: UnsafeMutablePointer<curl_slist>?
    /// The `MAIL FROM` argument last set (libcurl copies it); set again only
    /// when a message's sender differs.
    private var sender: String?

    // Per transaction, read and written by the callbacks.
    private var payload: [UInt8] = []
    private var offset = 0
    private var replyLines: [String] = []

    init?(endpoint: SMTPEndpoint) {
        guard SMTPSession.globalInit, let handle = curl_easy_init() else { return nil }
        self.handle = handle
        self.errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        configure(endpoint)
    }

    deinit {
        curl_easy_cleanup(handle)
        curl_slist_free_all(recipients)
        errorBuffer.deallocate()
    }

    /// `curl_global_init` once per process, before the first handle.
    private static let globalInit: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    private func configure(_ endpoint: SMTPEndpoint) {
        func set(_ result: CURLcode) { if setupError == CURLE_OK && result != CURLE_OK { setupError = result } }
        let context = Unmanaged.passUnretained(self).toOpaque()
        set(outreach_easy_setopt_string(handle, CURLOPT_URL, endpoint.url))
        set(outreach_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
        set(outreach_easy_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1))
        set(outreach_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer))
        let useSSL = switch endpoint.startTLS {
        case .required: CURLUSESSL_ALL
        case .optional: CURLUSESSL_TRY
        case .none: CURLUSESSL_NONE
        }
        set(outreach_easy_setopt_long(handle, CURLOPT_USE_SSL, Int(useSSL.rawValue)))
        if let caFile = endpoint.caFile { set(outreach_easy_setopt_string(handle, CURLOPT_CAINFO, caFile)) }
        if let username = endpoint.username, !username.isEmpty {
            set(outreach_easy_setopt_string(handle, CURLOPT_USERNAME, username))
            set(outreach_easy_setopt_string(handle, CURLOPT_PASSWORD, endpoint.password ?? ""))
        }
        set(outreach_easy_setopt_long(handle, CURLOPT_UPLOAD, 1))
        set(outreach_easy_setopt_data_callback(handle, CURLOPT_READFUNCTION, SMTPSession.read))
        set(outreach_easy_setopt_pointer(handle, CURLOPT_READDATA, context))
        set(outreach_easy_setopt_data_callback(handle, CURLOPT_HEADERFUNCTION, SMTPSession.reply))
        set(outreach_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, context))
        set(outreach_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, endpoint.timeoutMilliseconds))
        set(outreach_easy_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, endpoint.connectTimeoutMilliseconds))
    }

    /// Sets up one transaction: envelope, size and the bytes to upload.
    /// On an error (nothing will be sent) returns it; the caller then
    /// reports `finish(code:)` without adding the handle to the multi.
    func begin(_ transfer: SMTPTransfer) -> CURLcode {
        payload = transfer.payload
        offset = 0
        replyLines.removeAll(keepingCapacity: true)
        errorBuffer[0] = 0
        guard setupError == CURLE_OK else { return setupError }
        var code = CURLE_OK
        func set(_ result: CURLcode) { if code == CURLE_OK && result != CURLE_OK { code = result } }
        if sender != transfer.sender {
            set(outreach_easy_setopt_string(handle, CURLOPT_MAIL_FROM, "<\(transfer.sender)>"))
            sender = code == CURLE_OK ? transfer.sender : nil
        }
        var list: UnsafeMutablePointer<curl_slist>?
        for recipient in transfer.recipients {
            list = curl_slist_append(list, "<\(recipient)>")
        }
        set(outreach_easy_setopt_slist(handle, CURLOPT_MAIL_RCPT, list))
        curl_slist_free_all(recipients)
        recipients = list
        set(outreach_easy_setopt_offset(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(payload.count)))
        return code
    }

    /// The outcome of the transaction `begin` set up, once libcurl has
    /// finished it with `code`. Drops the message's bytes.
    func finish(code: CURLcode) -> SMTPTransferResult {
        var replyCode = 0
        _ = outreach_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &replyCode)
        var connects = 0
        _ = outreach_easy_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &connects)
        var errorText = code == CURLE_OK ? "" : String(cString: errorBuffer)
        if errorText.isEmpty && code != CURLE_OK { errorText = String(cString: curl_easy_strerror(code)) }
        payload = []
        let lines = replyLines
        replyLines = []
        return SMTPTransferResult(curlCode: Int(code.rawValue), replyCode: replyCode, replyLines: lines,
                                  errorText: errorText, newConnection: connects > 0)
    }

    /// `CURLOPT_READFUNCTION`: hands libcurl the next slice of the message.
    private static let read: outreach_data_callback = { buffer, size, count, userdata in
        guard let buffer, let userdata else { return 0 }
        let session = Unmanaged<SMTPSession>.fromOpaque(userdata).takeUnretainedValue()
        let n = min(size * count, session.payload.count - session.offset)
        guard n > 0 else { return 0 }
        session.payload.withUnsafeBytes { bytes in
            UnsafeMutableRawPointer(buffer).copyMemory(from: bytes.baseAddress! + session.offset, byteCount: n)
        }
        session.offset += n
        return n
    }

    /// `CURLOPT_HEADERFUNCTION`: libcurl passes every server reply line of
    /// the SMTP dialogue here; we keep them for the outcome's `detail`.
    private static let reply: outreach_data_callback = { data, size, count, userdata in
        let n = size * count
        guard let data, let userdata else { return n }
        let session = Unmanaged<SMTPSession>.fromOpaque(userdata).takeUnretainedValue()
        var bytes = UnsafeRawBufferPointer(start: data, count: n)[...]
        while let last = bytes.last, last == 0x0D || last == 0x0A { bytes.removeLast() }
        if !bytes.isEmpty && session.replyLines.count < 64 {
            session.replyLines.append(String(decoding: bytes, as: UTF8.self))
        }
        return n
    }
}
