public import OutreachCore

/// Sends SMS through Kannel's smsbox `sendsms` HTTP interface.
///
/// One attempt is one `GET {url}?username=…&password=…&from=…&to=…&text=…
/// &charset=UTF-8&coding=0|2[&dlr-mask=…&dlr-url=…]`. The coding follows
/// the core's SMS encoding: 0 (GSM-7) when every character is in the GSM
/// alphabet, 2 (UCS-2) otherwise — Arabic is always UCS-2. Kannel splits a
/// long text into concatenated parts itself (`concatenation = true` and
/// `max-messages` in its `sendsms-user` group).
///
/// Kannel answers `202 0: Accepted for delivery` or `202 3: Queued for later
/// delivery` on success; see `outcome(for:message:attempt:secrets:)` for the
/// classification of everything else.
public struct KannelGateway: MessageGateway {
    public let name: String
    public let settings: KannelSettings
    /// The sender id used when a message names none.
    public let defaultSender: String?
    public let timeout: Duration
    public let connectTimeout: Duration
    private let transport: any HTTPTransport
    /// The password in every spelling an answer may echo, worked out once (masking runs on every answer).
    private let secretMask: SecretMask

    public var channel: Channel { .sms }

    public init(name: String, settings: KannelSettings, defaultSender: String? = nil,
                timeout: Duration = .seconds(30), connectTimeout: Duration = .seconds(10),
                transport: any HTTPTransport) {
        self.name = name
        self.settings = settings
        self.defaultSender = defaultSender
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.transport = transport
        self.secretMask = SecretMask(settings.password.isEmpty ? [] : [settings.password])
    }

    /// Builds the gateway `gateways.yaml` declares; fails when the
    /// declaration is not of type `kannel`.
    public init(configuration: GatewayConfiguration, transport: any HTTPTransport) throws(OutreachError) {
        guard case .kannel(let settings) = configuration.settings else {
            throw OutreachError(.invalidValue,
                                "gateway '\(configuration.name)' is of type \(configuration.settings.typeName), not kannel",
                                at: configuration.location)
        }
        self.init(name: configuration.name, settings: settings, defaultSender: configuration.sender,
                  timeout: SaturatingTime.duration(seconds: configuration.timeoutSeconds),
                  connectTimeout: SaturatingTime.duration(seconds: configuration.connectTimeoutSeconds),
                  transport: transport)
    }

    /// The request one attempt at `message` makes. Pure: no I/O.
    ///
    /// Every value is percent-encoded once (RFC 3986 unreserved characters
    /// kept), so `+` in a number arrives as `+` and a `dlr-url` keeps
    /// Kannel's own escapes (`%d`, `%p`, …) for Kannel to fill in. The
    /// placeholder `{message_id}` in `dlr-url` is replaced by the message id,
    /// so a delivery report can be matched to its message.
    public func request(for message: OutboundMessage) -> HTTPRequest {
        let encoding = SMSText.encoding(of: message.text)
        // One buffer for the whole URL: this runs for every message.
        var url = Array(settings.url.utf8)
        url.reserveCapacity(url.count + 64 + message.text.utf8.count * 3)
        if let last = url.last, url.contains(UInt8(ascii: "?")) {
            if last != UInt8(ascii: "?") && last != UInt8(ascii: "&") { url.append(UInt8(ascii: "&")) }
        } else {
            url.append(UInt8(ascii: "?"))
        }
        var first = true
        func add(_ name: StaticString, _ value: String) {
            if !first { url.append(UInt8(ascii: "&")) }
            first = false
            name.withUTF8Buffer { url.append(contentsOf: $0) }
            url.append(UInt8(ascii: "="))
            PercentEncoding.append(value, to: &url)
        }
        add("username", settings.username)
        add("password", settings.password)
        if let sender = message.sender ?? defaultSender {
            add("from", sender)
        }
        add("to", message.to)
        add("text", message.text)
        add("charset", "UTF-8")
        add("coding", encoding == .ucs2 ? "2" : "0")
        if let mask = settings.dlrMask {
            add("dlr-mask", String(mask))
        }
        if let dlrURL = settings.dlrURL {
            add("dlr-url", dlrURL.replacing("{message_id}", with: PercentEncoding.encode(message.id)))
        }
        return HTTPRequest(method: .get, url: String(decoding: url, as: UTF8.self),
                           timeout: timeout, connectTimeout: connectTimeout,
                           secrets: secrets)
    }

    public var preferredExecutor: (any TaskExecutor)? { transport.preferredExecutor }

    /// Stops the gateway's transport.
    public func shutdown() async { await transport.stop() }

    public func send(_ message: OutboundMessage, attempt: Int) async -> DeliveryOutcome {
        let request = request(for: message)
        let result: Result<HTTPResponse, TransportError>
        do {
            result = .success(try await transport.perform(request))
        } catch {
            result = .failure(error)
        }
        return Self.outcome(for: result, message: message, attempt: attempt, mask: secretMask, now: nil)
    }

    /// Values never to print: the password (and its encoded form, which the
    /// masking covers).
    private var secrets: [String] {
        settings.password.isEmpty ? [] : [settings.password]
    }
}
