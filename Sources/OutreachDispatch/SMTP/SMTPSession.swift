internal import CCurl

/// One libcurl easy handle used for SMTP, and with it one connection: after
/// a transaction libcurl keeps the connection in the handle's cache and the
/// next `perform` on the same handle sends `MAIL FROM` on it directly,
/// without a new connect, greeting, EHLO or AUTH.
///
/// Not thread-safe by design: exactly one thread (its worker in
/// `SMTPSessionPool`) ever touches a session, as libcurl requires of an
/// easy handle. `deinit` cleans the handle up, which sends `QUIT`.
final class SMTPSession {
    private let handle: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>

    init?() {
        guard SMTPSession.globalInit, let handle = curl_easy_init() else { return nil }
        self.handle = handle
        self.errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// `curl_global_init` once per process, before the first handle.
    private static let globalInit: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    /// Runs one transaction. Blocks the calling thread (a session thread,
    /// never the cooperative pool) until the server has answered DATA.
    func perform(_ transfer: SMTPTransfer) -> SMTPTransferResult {
        let context = TransferContext(payload: transfer.payload)
        let unmanaged = Unmanaged.passRetained(context)
        defer { unmanaged.release() }
        var recipients: UnsafeMutablePointer<curl_slist>?
        for recipient in transfer.recipients {
            recipients = curl_slist_append(recipients, "<\(recipient)>")
        }
        defer { curl_slist_free_all(recipients) }
        errorBuffer[0] = 0

        var code = CURLE_OK
        func set(_ result: CURLcode) { if code == CURLE_OK && result != CURLE_OK { code = result } }
        set(outreach_easy_setopt_string(handle, CURLOPT_URL, transfer.url))
        set(outreach_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
        set(outreach_easy_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1))
        set(outreach_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer))
        let useSSL = switch transfer.startTLS {
        case .required: CURLUSESSL_ALL
        case .optional: CURLUSESSL_TRY
        case .none: CURLUSESSL_NONE
        }
        set(outreach_easy_setopt_long(handle, CURLOPT_USE_SSL, Int(useSSL.rawValue)))
        if let caFile = transfer.caFile { set(outreach_easy_setopt_string(handle, CURLOPT_CAINFO, caFile)) }
        if let username = transfer.username, !username.isEmpty {
            set(outreach_easy_setopt_string(handle, CURLOPT_USERNAME, username))
            set(outreach_easy_setopt_string(handle, CURLOPT_PASSWORD, transfer.password ?? ""))
        }
        set(outreach_easy_setopt_string(handle, CURLOPT_MAIL_FROM, "<\(transfer.sender)>"))
        set(outreach_easy_setopt_slist(handle, CURLOPT_MAIL_RCPT, recipients))
        set(outreach_easy_setopt_long(handle, CURLOPT_UPLOAD, 1))
        set(outreach_easy_setopt_offset(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(transfer.payload.count)))
        set(outreach_easy_setopt_data_callback(handle, CURLOPT_READFUNCTION, SMTPSession.read))
        set(outreach_easy_setopt_pointer(handle, CURLOPT_READDATA, unmanaged.toOpaque()))
        set(outreach_easy_setopt_data_callback(handle, CURLOPT_HEADERFUNCTION, SMTPSession.reply))
        set(outreach_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, unmanaged.toOpaque()))
        set(outreach_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, transfer.timeoutMilliseconds))
        set(outreach_easy_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, transfer.connectTimeoutMilliseconds))
        if code == CURLE_OK {
            code = curl_easy_perform(handle)
        }

        var replyCode = 0
        _ = outreach_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &replyCode)
        var connects = 0
        _ = outreach_easy_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &connects)
        var errorText = String(cString: errorBuffer)
        if errorText.isEmpty && code != CURLE_OK { errorText = String(cString: curl_easy_strerror(code)) }
        // The callbacks and the recipient list must not outlive this call.
        _ = outreach_easy_setopt_pointer(handle, CURLOPT_READDATA, nil)
        _ = outreach_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, nil)
        _ = outreach_easy_setopt_slist(handle, CURLOPT_MAIL_RCPT, nil)
        return SMTPTransferResult(curlCode: Int(code.rawValue), replyCode: replyCode, replyLines: context.replyLines,
                                  errorText: errorText, newConnection: connects > 0)
    }

    /// Per-transaction state the C callbacks reach through an `Unmanaged`
    /// pointer (never a global).
    private final class TransferContext {
        let payload: [UInt8]
        var offset = 0
        var replyLines: [String] = []
        init(payload: [UInt8]) { self.payload = payload }
    }

    /// `CURLOPT_READFUNCTION`: hands libcurl the next slice of the message.
    private static let read: outreach_data_callback = { buffer, size, count, userdata in
        guard let buffer, let userdata else { return 0 }
        let context = Unmanaged<TransferContext>.fromOpaque(userdata).takeUnretainedValue()
        let n = min(size * count, context.payload.count - context.offset)
        guard n > 0 else { return 0 }
        context.payload.withUnsafeBytes { bytes in
            UnsafeMutableRawPointer(buffer).copyMemory(from: bytes.baseAddress! + context.offset, byteCount: n)
        }
        context.offset += n
        return n
    }

    /// `CURLOPT_HEADERFUNCTION`: libcurl passes every server reply line of
    /// the SMTP dialogue here; we keep them for the outcome's `detail`.
    private static let reply: outreach_data_callback = { data, size, count, userdata in
        let n = size * count
        guard let data, let userdata else { return n }
        let context = Unmanaged<TransferContext>.fromOpaque(userdata).takeUnretainedValue()
        var bytes = UnsafeRawBufferPointer(start: data, count: n)[...]
        while let last = bytes.last, last == 0x0D || last == 0x0A { bytes.removeLast() }
        let line = String(decoding: bytes, as: UTF8.self)
        if !line.isEmpty && context.replyLines.count < 64 { context.replyLines.append(line) }
        return n
    }
}
