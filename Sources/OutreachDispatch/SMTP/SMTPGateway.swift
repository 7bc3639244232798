public import Foundation
public import Logging
public import OutreachCore

/// Email through libcurl's SMTP client (`channel` `.email`).
///
/// Each `send` builds the message (`MIMEMessage`), then runs one SMTP
/// transaction — `MAIL FROM`, `RCPT TO`, `DATA` — on one of at most
/// `concurrency` sessions. A session is one libcurl easy handle with a
/// thread of its own that drives it through a multi handle
/// (`SMTPSessionPool`), and connections stay open between messages, so a
/// campaign costs one connect, greeting, STARTTLS and AUTH per connection,
/// not per message. Call `shutdown()` when done so each connection says `QUIT`.
///
/// Outcomes: a 2xx answer to DATA is `accepted`; an SMTP 4xx, a connection
/// failure or a timeout is `retryable`; an SMTP 5xx is `rejected` — except
/// authentication failures (530, 534, 535, 538), which are the gateway's
/// fault rather than the message's and so stay `retryable` (the dispatcher's
/// breaker stops a broken gateway; the message is not lost). A message that
/// cannot be built (a malformed address, a line break in an address) is
/// `rejected` before anything is sent. `detail` keeps the server's reply;
/// the password never appears in it or in the log.
public final class SMTPGateway: MessageGateway {
    public let name: String
    public var channel: Channel { .email }
    public let settings: SMTPSettings
    let timeoutMilliseconds: Int
    let connectTimeoutMilliseconds: Int
    let caFile: String?
    let logger: Logger
    let now: @Sendable () -> Date
    /// The sessions, one thread each (`maxThreads` at most; beyond that
    /// threads share them, `CurlWorkers`). libcurl (7.88, Debian 12's) waits
    /// for the reply to a message's final "." inside the call that drives
    /// the session, holding up every other session on its thread: against a
    /// relay that scans what it accepts before answering, sessions sharing a
    /// thread would finish one message at a time between them. The threads
    /// sleep in `poll` while they wait.
    let pools: CurlWorkers<SMTPSessionPool>
    /// Threads one gateway's sessions get at most.
    static let maxThreads = 64
    /// `settings` as every message uses them, read once.
    let defaults: MIMEMessage.OutboundDefaults
    /// The password in every spelling a reply may echo (base64 in `AUTH` included), worked out once.
    let secretMask: SecretMask

    /// - Parameters:
    ///   - concurrency: sessions (connections) at most; messages sent one
    ///     after another use a single one.
    ///   - caFile: a PEM bundle to trust instead of the system's
    ///     (`CURLOPT_CAINFO`), for a relay with a private certificate authority.
    ///   - now: the clock for the `Date` header.
    /// - Throws: `OutreachError` (`invalidValue`) for a URL that is not
    ///   `smtp://` or `smtps://`, or a `from` that is not a valid mailbox.
    public init(name: String, settings: SMTPSettings, concurrency: Int = 4, timeoutSeconds: Double = 60,
                connectTimeoutSeconds: Double = 10, caFile: String? = nil, location: SourceLocation? = nil,
                logger: Logger, now: @escaping @Sendable () -> Date = { Date() }) throws(OutreachError) {
        try Self.validate(settings, gateway: name, location: location)
        self.name = name
        self.settings = settings
        self.timeoutMilliseconds = max(1, SaturatingTime.milliseconds(seconds: timeoutSeconds))
        self.connectTimeoutMilliseconds = max(1, SaturatingTime.milliseconds(seconds: connectTimeoutSeconds))
        self.caFile = caFile
        self.logger = logger
        self.now = now
        self.defaults = MIMEMessage.OutboundDefaults(settings)
        self.secretMask = SecretMask([settings.password].compactMap { $0 })
        let endpoint = SMTPEndpoint(
            url: settings.url, startTLS: SMTPStartTLS(settings.startTLS), username: settings.username,
            password: settings.password, caFile: caFile, timeoutMilliseconds: timeoutMilliseconds,
            connectTimeoutMilliseconds: connectTimeoutMilliseconds)
        let shares = CurlWorkers<SMTPSessionPool>.shares(of: concurrency, threads: min(max(1, concurrency), Self.maxThreads))
        self.pools = CurlWorkers(shares.enumerated().map { index, sessions in
            SMTPSessionPool(maxSessions: sessions, endpoint: endpoint, name: shares.count == 1 ? name : "\(name).\(index + 1)")
        })
    }

    /// From a gateway declared in `gateways.yaml`; fails unless it is `smtp`.
    public convenience init(configuration: GatewayConfiguration, logger: Logger) throws(OutreachError) {
        guard case .smtp(var settings) = configuration.settings else {
            throw OutreachError(.invalidValue, "gateway '\(configuration.name)' is of type \(configuration.settings.typeName), not smtp",
                                at: configuration.location)
        }
        if let sender = configuration.sender, settings.from.isEmpty { settings.from = sender }
        try self.init(name: configuration.name, settings: settings, concurrency: configuration.concurrency,
                      timeoutSeconds: configuration.timeoutSeconds,
                      connectTimeoutSeconds: configuration.connectTimeoutSeconds,
                      location: configuration.location, logger: logger)
    }

    deinit {
        for pool in pools.all { pool.close() }
    }

    /// Lets the sessions finish what is queued, say `QUIT` and exit.
    public func shutdown() async {
        for pool in pools.all { await pool.shutdown() }
    }

    /// The sessions' thread: an attempt that runs there builds its message
    /// and is resumed with the answer without a thread hop (see
    /// `SMTPSessionPool`).
    public var preferredExecutor: (any TaskExecutor)? { pools.next }

    /// Connections opened so far (each session opens one, and another only
    /// when the server closed the previous one).
    public var connectionsOpened: Int { pools.all.reduce(0) { $0 + $1.connectionsOpened } }

    /// The pool whose thread the caller runs on, else the least busy one
    /// (the first on a tie, so messages sent one after another share one
    /// connection).
    private var pool: SMTPSessionPool { pools.forCaller }

    public func send(_ message: OutboundMessage, attempt: Int) async -> DeliveryOutcome {
        guard message.channel == .email else {
            return rejected(message, attempt, "gateway '\(name)' sends email, but message \(message.id) is \(message.channel.rawValue)")
        }
        let mime: MIMEMessage
        let payload: [UInt8]
        do {
            mime = try MIMEMessage(message: message, defaults: defaults, date: now())
            payload = try mime.rendered()
        } catch {
            logger.warning("email not built; nothing sent", metadata: metadata(message, attempt, ["error": "\(error.message)"]))
            return rejected(message, attempt, error.message)
        }
        let envelope = mime.envelope
        let transfer = SMTPTransfer(sender: envelope.sender.description,
                                    recipients: envelope.recipients.map(\.description), payload: payload)
        let result = await pool.perform(transfer)
        let outcome = Self.outcome(for: result, messageID: message.id, attempt: attempt,
                                   providerMessageID: "<\(mime.messageID)>", mask: secretMask)
        if outcome.kind == .accepted {
            // Built only when debug logging is on (the metadata is an autoclosure).
            logger.debug("email accepted", metadata: metadata(message, attempt, outcome: outcome))
        } else {
            var extra = metadata(message, attempt, outcome: outcome)
            extra["detail"] = "\(outcome.detail)"
            logger.info("email not accepted", metadata: extra)
        }
        return outcome
    }

    private func metadata(_ message: OutboundMessage, _ attempt: Int, _ extra: Logger.Metadata = [:],
                          outcome: DeliveryOutcome? = nil) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["gateway": "\(name)", "message": "\(message.id)", "attempt": "\(attempt)"]
        if let outcome {
            metadata["outcome"] = "\(outcome.kind.rawValue)"
            if let status = outcome.status { metadata["status"] = "\(status)" }
        }
        return metadata.merging(extra) { $1 }
    }

    private func rejected(_ message: OutboundMessage, _ attempt: Int, _ detail: String) -> DeliveryOutcome {
        DeliveryOutcome(messageID: message.id, kind: .rejected, detail: detail, attempts: attempt)
    }

    /// SMTP reply codes that say the gateway's credentials are wrong or
    /// missing (RFC 4954), not that the message is unwanted.
    static let authenticationReplies: Set<Int> = [530, 534, 535, 538]

    /// Classifies one transaction (see the type's documentation).
    static func outcome(for result: SMTPTransferResult, messageID: String, attempt: Int, providerMessageID: String?,
                        secrets: [String]) -> DeliveryOutcome {
        outcome(for: result, messageID: messageID, attempt: attempt, providerMessageID: providerMessageID, mask: SecretMask(secrets))
    }

    /// `mask`: the gateway's, made once. Masked before the detail is shortened.
    static func outcome(for result: SMTPTransferResult, messageID: String, attempt: Int, providerMessageID: String?,
                        mask: SecretMask) -> DeliveryOutcome {
        var detail: String
        let kind: DeliveryOutcome.Kind
        let status: Int?
        if result.curlCode == 0 {
            kind = .accepted
            status = result.lastReply?.code ?? (result.replyCode > 0 ? result.replyCode : nil)
            detail = result.lastReply?.text ?? "accepted"
        } else {
            // libcurl's RESPONSE_CODE can be a later reply (an AUTH
            // challenge, the 221 to QUIT); the failing reply is what counts.
            let failing = result.failingReply
            status = failing?.code ?? (result.replyCode >= 400 ? result.replyCode : nil)
            if let status, (500..<600).contains(status), !authenticationReplies.contains(status) {
                kind = .rejected
            } else {
                kind = .retryable
            }
            detail = result.errorText
            if let failing { detail += detail.isEmpty ? failing.text : " — server: \(failing.text)" }
        }
        detail = mask.apply(detail)
        if detail.utf8.count > 500 && detail.count > 500 { detail = String(detail.prefix(500)) + "…" }
        return DeliveryOutcome(messageID: messageID, kind: kind,
                               providerMessageID: kind == .accepted ? providerMessageID : nil,
                               status: status, detail: detail, attempts: attempt)
    }

    static func validate(_ settings: SMTPSettings, gateway: String, location: SourceLocation?) throws(OutreachError) {
        let lower = settings.url.lowercased()
        let scheme = lower.hasPrefix("smtps://") ? "smtps://" : lower.hasPrefix("smtp://") ? "smtp://" : nil
        guard let scheme, settings.url.count > scheme.count,
              !settings.url.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) else {
            throw OutreachError(.invalidValue, "gateway '\(gateway)': url \"\(settings.url)\" is not an smtp:// or smtps:// URL",
                                at: location, hint: "e.g. smtp://relay.example:587 (STARTTLS) or smtps://relay.example:465")
        }
        do {
            _ = try Mailbox(parsing: settings.from)
        } catch {
            throw OutreachError(.invalidValue, "gateway '\(gateway)': from \(error.message)", at: location, hint: error.hint)
        }
    }
}

extension SMTPStartTLS {
    init(_ setting: SMTPSettings.StartTLS) {
        switch setting {
        case .required: self = .required
        case .optional: self = .optional
        case .none: self = .none
        }
    }
}
