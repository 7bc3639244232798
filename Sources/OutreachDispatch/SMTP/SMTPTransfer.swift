/// One SMTP transaction for a session to run: envelope and DATA bytes, plus
/// where and how to connect. A plain value, handed to a session thread.
struct SMTPTransfer: Sendable {
    /// `smtp://host:port[/ehlo-name]` or `smtps://…`.
    var url: String
    var startTLS: SMTPStartTLS
    var username: String?
    var password: String?
    /// Extra CA bundle for servers with a private certificate authority.
    var caFile: String?
    /// Bare addresses (`a@b.example`); the session adds the angle brackets.
    var sender: String
    var recipients: [String]
    /// The whole message, CRLF line endings, not dot-stuffed (libcurl does it).
    var payload: [UInt8]
    var timeoutMilliseconds: Int
    var connectTimeoutMilliseconds: Int
}

/// What `STARTTLS` policy a transfer asks of libcurl (`CURLOPT_USE_SSL`).
enum SMTPStartTLS: Sendable {
    /// `CURLUSESSL_ALL`: upgrade or fail.
    case required
    /// `CURLUSESSL_TRY`: upgrade when the server offers it.
    case optional
    /// `CURLUSESSL_NONE`: stay in plain text.
    case none
}

/// What came back from one transaction.
struct SMTPTransferResult: Sendable, Equatable {
    /// libcurl's result code (0 is success).
    var curlCode: Int
    /// The last SMTP reply code (`CURLINFO_RESPONSE_CODE`); 0 when none came.
    var replyCode: Int
    /// The server's reply lines for this transaction, in order.
    var replyLines: [String]
    /// libcurl's error text for a failed transfer.
    var errorText: String
    /// Whether this transaction opened a new connection (libcurl's
    /// `CURLINFO_NUM_CONNECTS` was non-zero) rather than reusing one.
    var newConnection: Bool

    /// The final reply: the last line with a code, and the `NNN-` lines
    /// that lead up to it (a multi-line reply), joined by spaces.
    var lastReply: String {
        var collected: [String] = []
        for line in replyLines.reversed() {
            let bytes = Array(line.utf8)
            guard bytes.count >= 3, bytes[0...2].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { continue }
            let isFinal = bytes.count == 3 || bytes[3] == UInt8(ascii: " ")
            if isFinal && !collected.isEmpty { break }
            collected.append(line)
        }
        return collected.reversed().joined(separator: " ")
    }
}
