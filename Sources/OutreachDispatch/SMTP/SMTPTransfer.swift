/// Where and how a gateway's sessions connect: the same for every message
/// of the gateway, so each session's easy handle is configured with it once.
struct SMTPEndpoint: Sendable {
    /// `smtp://host:port[/ehlo-name]` or `smtps://…`.
    var url: String
    var startTLS: SMTPStartTLS
    var username: String?
    var password: String?
    /// CA bundle replacing the system's, for a private certificate authority.
    var caFile: String?
    var timeoutMilliseconds: Int
    var connectTimeoutMilliseconds: Int
}

/// One SMTP transaction for a session to run: the envelope and the DATA
/// bytes. A plain value, handed to the sessions' thread.
struct SMTPTransfer: Sendable {
    /// Bare addresses (`a@b.example`); the session adds the angle brackets.
    var sender: String
    var recipients: [String]
    /// The whole message, CRLF line endings, not dot-stuffed (libcurl does it).
    var payload: [UInt8]
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

    /// The server's replies in order: a multi-line reply (`250-…` lines up
    /// to a `250 …` line) is one reply, its lines joined by spaces.
    var replies: [(code: Int, text: String)] {
        var replies: [(code: Int, text: String)] = []
        var pending: [String] = []
        for line in replyLines {
            var bytes = line.utf8.makeIterator()
            var code = 0
            var digits = 0
            while digits < 3, let byte = bytes.next(), byte >= 0x30 && byte <= 0x39 {
                code = code * 10 + Int(byte - 0x30)
                digits += 1
            }
            guard digits == 3 else { continue }
            pending.append(line)
            if bytes.next() != UInt8(ascii: "-") {
                replies.append((code, pending.joined(separator: " ")))
                pending = []
            }
        }
        return replies
    }

    /// The reply that explains a failure: the last 4xx or 5xx reply (not
    /// the `221` to libcurl's `QUIT` that may follow it), if any.
    var failingReply: (code: Int, text: String)? {
        replies.last { $0.code >= 400 }
    }

    /// The last reply of the transaction (for an accepted message, the
    /// answer to DATA: `250 2.0.0 OK queued as …`).
    var lastReply: (code: Int, text: String)? {
        replies.last
    }
}
