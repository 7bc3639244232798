/// One gateway as `gateways.yaml` declares it, secrets already read from the
/// environment. Pure values: loading (OutreachProject) and using
/// (OutreachDispatch) are elsewhere.
public struct GatewayConfiguration: Sendable, Equatable {
    public var name: String
    public var settings: GatewaySettings
    /// Messages per second, smoothed; nil is unlimited.
    public var rate: RateLimit?
    /// At most this many attempts in flight at once.
    public var concurrency: Int
    /// Connections kept to an HTTP gateway (nil: `concurrency`). Fewer than
    /// `concurrency` keeps a queue of ready requests behind each connection,
    /// so a connection never waits for the next attempt to be handed over.
    public var connections: Int?
    /// Whole-attempt timeout and connect timeout, in seconds.
    public var timeoutSeconds: Double
    public var connectTimeoutSeconds: Double
    public var retry: RetryPolicy
    /// When repeated failures stop sending to the gateway for a while.
    public var breaker = BreakerPolicy()
    /// Replace typographic characters with GSM equivalents before counting
    /// and sending (off by default; a campaign may turn it on too).
    public var smartEncoding: Bool
    /// Default sender id or From address when a campaign gives none.
    public var sender: String?
    /// Where the gateway was declared, for error messages.
    public var location: SourceLocation?
    /// Every secret value of this gateway (passwords, tokens, values read
    /// from `${ENV}`), so logs, errors and the exchange printer can mask them.
    public var secrets: [String] = []

    public init(name: String, settings: GatewaySettings, rate: RateLimit? = nil, concurrency: Int = 8,
                timeoutSeconds: Double = 30, connectTimeoutSeconds: Double = 10, retry: RetryPolicy = RetryPolicy(),
                smartEncoding: Bool = false, sender: String? = nil, location: SourceLocation? = nil) {
        self.name = name
        self.settings = settings
        self.rate = rate
        self.concurrency = concurrency
        self.timeoutSeconds = timeoutSeconds
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.retry = retry
        self.smartEncoding = smartEncoding
        self.sender = sender
        self.location = location
    }

    public var channel: Channel {
        if case .smtp = settings { return .email }
        if case .file(let file) = settings { return file.channel }
        return .sms
    }
}

/// The type-specific part of a gateway.
public enum GatewaySettings: Sendable, Equatable {
    case kannel(KannelSettings)
    case twilio(TwilioSettings)
    case http(HTTPGatewaySettings)
    case smtp(SMTPSettings)
    case file(FileOutboxSettings)

    public var typeName: String {
        switch self {
        case .kannel: "kannel"
        case .twilio: "twilio"
        case .http: "http"
        case .smtp: "smtp"
        case .file: "file"
        }
    }
}

/// Kannel smsbox `sendsms`: `GET {url}?username=…&password=…&from=…&to=…&text=…&charset=UTF-8&coding=0|2`.
public struct KannelSettings: Sendable, Equatable {
    /// e.g. `http://127.0.0.1:13013/cgi-bin/sendsms`
    public var url: String
    public var username: String
    public var password: String
    /// Delivery reports: Kannel's `dlr-mask` (e.g. 31) and the `dlr-url` it calls back.
    public var dlrMask: Int?
    public var dlrURL: String?

    public init(url: String, username: String, password: String, dlrMask: Int? = nil, dlrURL: String? = nil) {
        self.url = url
        self.username = username
        self.password = password
        self.dlrMask = dlrMask
        self.dlrURL = dlrURL
    }
}

/// Twilio's Messages resource: form POST to
/// `{base_url}/2010-04-01/Accounts/{account_sid}/Messages.json`, basic auth.
public struct TwilioSettings: Sendable, Equatable {
    public var baseURL: String
    public var accountSID: String
    public var authToken: String
    public var messagingServiceSID: String?
    public var statusCallback: String?

    public init(baseURL: String = "https://api.twilio.com", accountSID: String, authToken: String,
                messagingServiceSID: String? = nil, statusCallback: String? = nil) {
        self.baseURL = baseURL
        self.accountSID = accountSID
        self.authToken = authToken
        self.messagingServiceSID = messagingServiceSID
        self.statusCallback = statusCallback
    }
}

/// A generic HTTP gateway (local aggregators), possibly from a built-in
/// profile (`unifonic`, `taqnyat`, `msegat`, `4jawaly`, `jasmin`) with
/// the project's values filled in.
public struct HTTPGatewaySettings: Sendable, Equatable {
    /// How the request body is written: form fields, a JSON template, or no body.
    public enum BodyFormat: String, Sendable, Equatable {
        case form
        case json
        case none
    }

    /// How `{to}` is written: `+9665…`, `9665…` or `009665…`.
    public enum NumberFormat: String, Sendable, Equatable {
        case plus = "e164"
        case digits = "digits"
        case doubleZero = "00"
    }

    public var profile: String?
    public var method: String
    /// May contain placeholders: `{to}`, `{text}`, `{sender}`, `{message_id}`, `{encoding}`.
    public var url: String
    public var headers: [String: String]
    public var bodyFormat: BodyFormat
    /// Form fields, or a JSON document as text with placeholders (substituted values are JSON-escaped).
    /// Form fields (name, value with placeholders), in order.
    public var formFieldPairs: [FieldPair]
    public var jsonBody: String?
    public var numberFormat: NumberFormat
    /// Statuses that mean accepted (default: 200–299).
    public var acceptStatuses: [Int]
    /// Statuses that mean try again (default: 429, 500–599).
    public var retryStatuses: [Int]
    /// A JSON pointer and the value it must hold for acceptance (e.g. `/success` = `true`, `/code` = `1`).
    public var acceptWhen: JSONCondition?
    /// JSON pointer to the provider's message id in the answer.
    public var messageIDPointer: String?
    /// For answers that are not JSON (Jasmin's `Success "id"`): a regular
    /// expression whose first capture group is the provider's message id.
    public var messageIDPattern: String?
    /// Basic auth user and password, or a bearer token.
    public var basicAuth: BasicAuth?
    public var bearerToken: String?
    /// Every secret value, so logs and the exchange printer can mask them.
    public var secrets: [String]
    /// Delivery reports the provider sends to `outreach serve` (`callback:`), and replies (`inbound:`).
    public var callback: HTTPCallbackMapping?
    public var inbound: HTTPInboundMapping?

    /// One form field of the request, in the order written (a value may hold `{to}`, `{text}`, …).
    public struct FieldPair: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// A test on the provider's JSON answer: the value at a JSON Pointer equals the one given.
    public struct JSONCondition: Sendable, Equatable {
        public var pointer: String
        /// The expected value written as JSON (`true`, `1`, `"OK"`). Scalars
        /// compare loosely (`1` matches `"1"`, since providers are not
        /// consistent); a JSON array means "any of these".
        public var equals: String
        public init(pointer: String, equals: String) {
            self.pointer = pointer
            self.equals = equals
        }
    }

    /// HTTP Basic credentials; the password is a secret (`${ENV}` in gateways.yaml), masked everywhere.
    public struct BasicAuth: Sendable, Equatable {
        public var user: String
        public var password: String
        public init(user: String, password: String) {
            self.user = user
            self.password = password
        }
    }

    public init(profile: String? = nil, method: String = "POST", url: String, headers: [String: String] = [:],
                bodyFormat: BodyFormat = .json, formFieldPairs: [FieldPair] = [], jsonBody: String? = nil,
                numberFormat: NumberFormat = .plus, acceptStatuses: [Int] = Array(200...299),
                retryStatuses: [Int] = [429] + Array(500...599), acceptWhen: JSONCondition? = nil,
                messageIDPointer: String? = nil, basicAuth: BasicAuth? = nil, bearerToken: String? = nil,
                secrets: [String] = []) {
        self.profile = profile
        self.method = method
        self.url = url
        self.headers = headers
        self.bodyFormat = bodyFormat
        self.formFieldPairs = formFieldPairs
        self.jsonBody = jsonBody
        self.numberFormat = numberFormat
        self.acceptStatuses = acceptStatuses
        self.retryStatuses = retryStatuses
        self.acceptWhen = acceptWhen
        self.messageIDPointer = messageIDPointer
        self.basicAuth = basicAuth
        self.bearerToken = bearerToken
        self.secrets = secrets
    }
}

/// Email through libcurl's SMTP.
public struct SMTPSettings: Sendable, Equatable {
    /// Whether the connection must be upgraded to TLS (`required` fails rather than send in clear), may be, or is
    /// not.
    public enum StartTLS: String, Sendable, Equatable {
        case required
        case optional
        case none
    }

    /// `smtp://host:port` or `smtps://host:port`.
    public var url: String
    public var startTLS: StartTLS
    public var username: String?
    public var password: String?
    /// Envelope and header From, e.g. `وزارة الصحة <noreply@moh.example>`.
    public var from: String
    /// `List-Unsubscribe` targets: a mailto: and/or an https URL with `{message_id}`.
    public var unsubscribeURL: String?
    public var unsubscribeMailto: String?
    /// The domain used in generated `Message-ID`s.
    public var messageIDDomain: String?
    /// The server secret (`OUTREACH_WEBHOOK_SECRET`) that signs `{unsubscribe_token}` in the unsubscribe
    /// targets; read from the environment by the loader, never from a file, never logged.
    public var unsubscribeSecret: String?

    public init(url: String, startTLS: StartTLS = .optional, username: String? = nil, password: String? = nil,
                from: String, unsubscribeURL: String? = nil, unsubscribeMailto: String? = nil, messageIDDomain: String? = nil) {
        self.url = url
        self.startTLS = startTLS
        self.username = username
        self.password = password
        self.from = from
        self.unsubscribeURL = unsubscribeURL
        self.unsubscribeMailto = unsubscribeMailto
        self.messageIDDomain = messageIDDomain
    }
}

/// Writes what would be sent to a JSON Lines file (the bundled default).
public struct FileOutboxSettings: Sendable, Equatable {
    public static let defaultPath = "out/outbox.jsonl"

    /// Relative to the project folder, and inside it unless the gateway says
    /// `allow_outside_project: true` (see `FileOutboxPath`).
    public var path: String
    public var channel: Channel

    public init(path: String, channel: Channel = .sms) {
        self.path = path
        self.channel = channel
    }
}

/// `50/s`, `3000/min`, with an optional burst (default 1: perfectly smooth).
public struct RateLimit: Sendable, Hashable {
    public var perSecond: Double
    public var burst: Int

    public init(perSecond: Double, burst: Int = 1) {
        self.perSecond = perSecond
        self.burst = burst
    }

    /// Reads `50/s`, `3000/min`, `100000/h`; nil when it does not parse.
    public static func parse(_ text: String) -> RateLimit? {
        let parts = text.split(separator: "/", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let count = Double(parts[0]), count > 0 else { return nil }
        let seconds: Double
        switch parts[1].lowercased() {
        case "s", "sec", "second": seconds = 1
        case "m", "min", "minute": seconds = 60
        case "h", "hour": seconds = 3600
        default: return nil
        }
        return RateLimit(perSecond: count / seconds)
    }
}

/// How often and how long to retry a `retryable` outcome.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    public var initialBackoffSeconds: Double
    public var maxBackoffSeconds: Double
    /// Give up on a message this long after its first attempt.
    public var deadlineSeconds: Double

    public init(maxAttempts: Int = 5, initialBackoffSeconds: Double = 1, maxBackoffSeconds: Double = 60, deadlineSeconds: Double = 3600) {
        self.maxAttempts = maxAttempts
        self.initialBackoffSeconds = initialBackoffSeconds
        self.maxBackoffSeconds = maxBackoffSeconds
        self.deadlineSeconds = deadlineSeconds
    }
}
