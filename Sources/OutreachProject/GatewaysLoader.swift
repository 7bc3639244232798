public import OutreachCore
public import Foundation
import Yams

/// Reads the project's `gateways.yaml` into `GatewayConfiguration`s:
///
/// ```yaml
/// gateways:
///   outbox: {type: file, path: out/outbox.jsonl}
///   unifonic:
///     type: http
///     profile: unifonic
///     app_sid: ${UNIFONIC_APP_SID}
///     rate: 50/s
///     sender: MOH
/// ```
///
/// Every problem is located (file:line:column) with a hint; unknown keys get
/// a "did you mean". `${ENV_NAME}` in any value is read from `environment`
/// (the process environment by default); secrets must be written that way.
/// A gateway with a problem is left out and its problem recorded, so the
/// others still load and `outreach validate` lists every problem at once.
public struct GatewaysLoader {
    public static let fileName = "gateways.yaml"

    public var environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// What one gateways.yaml gave.
    public struct Result: Sendable {
        public var gateways: [GatewayConfiguration] = []
        /// Every gateway name the file declares, including those with problems.
        public var declaredNames: [String] = []
        public var problems: [OutreachError] = []

        public init() {}
    }

    /// Loads `path`; a missing file is no gateways and no problem.
    public func load(_ path: String) -> Result {
        var result = Result()
        guard FileManager.default.fileExists(atPath: path) else { return result }
        let file: YAMLFile
        let top: MappingReader
        do {
            file = try YAMLFile.load(path)
            top = try MappingReader(file, file.root, what: "gateways.yaml")
            try top.rejectUnknownKeys(["gateways"], what: "gateways.yaml")
        } catch {
            result.problems.append(error)
            return result
        }
        guard let node = top.value("gateways") else { return result }
        if case .scalar(let s) = node, s.string.isEmpty || s.string == "~" || s.string == "null" { return result }
        let gateways: MappingReader
        do { gateways = try MappingReader(file, node, what: "'gateways'") } catch {
            result.problems.append(error)
            return result
        }
        // A gateway declared twice is a duplicate key: YAMLFile.load refused it.
        for pair in gateways.pairs {
            result.declaredNames.append(pair.key)
            do {
                result.gateways.append(try readGateway(file, name: pair.key, keyNode: pair.keyNode, node: pair.value))
            } catch {
                result.problems.append(error)
            }
        }
        return result
    }

    /// Loads `path` and throws its first problem (for commands that send).
    public func loadOrThrow(_ path: String) throws(OutreachError) -> [GatewayConfiguration] {
        let result = load(path)
        if let first = result.problems.first { throw first }
        return result.gateways
    }

    // MARK: - One gateway

    static let commonKeys = ["type", "rate", "burst", "concurrency", "timeout", "connect_timeout", "retry",
                             "breaker", "smart_encoding", "sender"]
    static let typeKeys: [(type: String, keys: [String])] = [
        ("kannel", ["url", "username", "password", "dlr_mask", "dlr_url", "connections"]),
        ("twilio", ["base_url", "account_sid", "auth_token", "messaging_service_sid", "status_callback", "connections"]),
        ("http", httpKeys + ["connections"]),
        ("smtp", ["url", "starttls", "username", "password", "from", "unsubscribe_url", "unsubscribe_mailto", "message_id_domain"]),
        ("file", ["path", "channel", "allow_outside_project"]),
    ]
    static let retryKeys = ["attempts", "backoff", "max_backoff", "deadline"]
    static let breakerKeys = ["failures", "open_for", "max_open_for"]

    func readGateway(_ file: YAMLFile, name: String, keyNode: Node, node: Node) throws(OutreachError) -> GatewayConfiguration {
        guard Self.isGatewayName(name) else {
            throw file.error(.invalidValue, "gateway name '\(name)' must be letters, digits, '_', '-' or '.'", at: keyNode)
        }
        let what = "gateway '\(name)'"
        let map = try MappingReader(file, node, what: what)
        var reader = GatewayValueReader(map, environment: environment)
        let typeNames = Self.typeKeys.map(\.type)
        let type = try reader.requiredString("type", what: what, example: typeNames.joined(separator: "|"))
        guard let keys = Self.typeKeys.first(where: { $0.type == type.lowercased() })?.keys else {
            var hint = "types are: \(typeNames.joined(separator: ", "))"
            if let close = NameSuggestion.closest(to: type, in: typeNames) { hint = "did you mean '\(close)'? " + hint }
            throw file.error(.invalidValue, "\(what) has unknown type '\(type)'", at: map.value("type")!, hint: hint)
        }
        var allowed = Self.commonKeys + keys
        var profile: HTTPGatewayProfile?
        if type.lowercased() == "http", let profileName = try reader.string("profile") {
            guard let found = HTTPGatewayProfile.named(profileName) else {
                let names = HTTPGatewayProfile.all.map(\.name)
                var hint = "profiles are: \(names.joined(separator: ", "))"
                if let close = NameSuggestion.closest(to: profileName, in: names) { hint = "did you mean '\(close)'? " + hint }
                throw file.error(.unknownName, "\(what) names unknown profile '\(profileName)'", at: map.value("profile")!, hint: hint)
            }
            profile = found
            allowed += found.parameters.map(\.key).filter { !allowed.contains($0) }
        }
        try map.rejectUnknownKeys(allowed, what: "a \(type.lowercased()) gateway")

        let settings: GatewaySettings
        switch type.lowercased() {
        case "kannel": settings = .kannel(try readKannel(&reader, what: what))
        case "twilio": settings = .twilio(try readTwilio(&reader, what: what))
        case "http": settings = .http(try readHTTP(&reader, what: what, profile: profile))
        case "smtp": settings = .smtp(try readSMTP(&reader, what: what))
        default: settings = .file(try readFile(&reader))
        }

        var configuration = GatewayConfiguration(name: name, settings: settings, location: file.location(of: keyNode))
        if let text = try reader.string("rate"), !["unlimited", "none"].contains(text.lowercased()) {
            guard let rate = RateLimit.parse(text) else {
                throw file.error(.invalidValue, "\(what): rate '\(text)' is not a rate", at: map.value("rate")!,
                                 hint: "write it as messages per second, minute or hour: 50/s, 3000/min, 100000/h (or unlimited)")
            }
            guard ConfigurationLimits.messagesPerSecond.contains(rate.perSecond) else {
                throw file.error(.invalidValue,
                                 "\(what): rate '\(text)' is out of range: it must be from \(ConfigurationLimits.describe(rate: ConfigurationLimits.messagesPerSecond))",
                                 at: map.value("rate")!, hint: "or write 'unlimited'")
            }
            configuration.rate = rate
        }
        if let burst = try reader.int("burst", range: 1...100_000) {
            guard configuration.rate != nil else {
                throw file.error(.invalidValue, "\(what): 'burst' needs a 'rate'", at: map.keyNode("burst")!)
            }
            configuration.rate?.burst = burst
        }
        if let concurrency = try reader.int("concurrency", range: 1...10_000) { configuration.concurrency = concurrency }
        if let connections = try reader.int("connections", range: 1...10_000) {
            guard connections <= configuration.concurrency else {
                throw file.error(.invalidValue,
                                 "\(what): connections (\(connections)) is more than concurrency (\(configuration.concurrency))",
                                 at: map.value("connections")!,
                                 hint: "at most 'concurrency' requests are in flight, so more connections would stay idle")
            }
            configuration.connections = connections
        }
        if let timeout = try reader.seconds("timeout", range: ConfigurationLimits.timeoutSeconds) { configuration.timeoutSeconds = timeout }
        if let timeout = try reader.seconds("connect_timeout", range: ConfigurationLimits.timeoutSeconds) { configuration.connectTimeoutSeconds = timeout }
        if let retryNode = map.value("retry") { configuration.retry = try readRetry(file, retryNode, what: what) }
        if let breakerNode = map.value("breaker") { configuration.breaker = try readBreaker(file, breakerNode, what: what) }
        if let smart = try reader.bool("smart_encoding") { configuration.smartEncoding = smart }
        if let sender = try reader.string("sender") {
            try checkSender(sender, settings: settings, file: file, node: map.value("sender")!, what: what)
            configuration.sender = sender
        }
        if case .twilio(let twilio) = settings, configuration.sender == nil, twilio.messagingServiceSID == nil {
            throw file.error(.invalidValue, "\(what) needs a 'sender' (a number or sender id) or 'messaging_service_sid'", at: map.node,
                             hint: "Twilio sends From a number, an alphanumeric sender id, or a messaging service")
        }
        if case .smtp(let smtp) = settings, configuration.sender == nil { configuration.sender = smtp.from }
        var secrets = reader.secrets
        if case .http(let http) = settings { secrets += http.secrets.filter { !$0.isEmpty && !secrets.contains($0) } }
        if case .smtp(let smtp) = settings, let secret = smtp.unsubscribeSecret, !secrets.contains(secret) { secrets.append(secret) }
        configuration.secrets = secrets
        if case .http(var http) = settings {
            http.secrets = secrets
            configuration.settings = .http(http)
        }
        return configuration
    }

    static func isGatewayName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" || $0 == ".")
        }
    }

    private func readRetry(_ file: YAMLFile, _ node: Node, what: String) throws(OutreachError) -> RetryPolicy {
        let map = try MappingReader(file, node, what: "\(what)'s retry")
        try map.rejectUnknownKeys(Self.retryKeys, what: "retry")
        var reader = GatewayValueReader(map, environment: environment)
        var policy = RetryPolicy()
        if let attempts = try reader.int("attempts", range: 1...100) { policy.maxAttempts = attempts }
        if let backoff = try reader.seconds("backoff", range: ConfigurationLimits.backoffSeconds) { policy.initialBackoffSeconds = backoff }
        if let maxBackoff = try reader.seconds("max_backoff", range: ConfigurationLimits.backoffSeconds) { policy.maxBackoffSeconds = maxBackoff }
        if let deadline = try reader.seconds("deadline", range: ConfigurationLimits.retryDeadlineSeconds) { policy.deadlineSeconds = deadline }
        if policy.maxBackoffSeconds < policy.initialBackoffSeconds {
            throw file.error(.invalidValue, "\(what): retry max_backoff is shorter than backoff", at: map.value("max_backoff") ?? node)
        }
        return policy
    }

    private func readBreaker(_ file: YAMLFile, _ node: Node, what: String) throws(OutreachError) -> BreakerPolicy {
        let map = try MappingReader(file, node, what: "\(what)'s breaker")
        try map.rejectUnknownKeys(Self.breakerKeys, what: "breaker")
        var reader = GatewayValueReader(map, environment: environment)
        var policy = BreakerPolicy()
        if let failures = try reader.int("failures", range: 1...10_000) { policy.failures = failures }
        if let open = try reader.seconds("open_for", range: ConfigurationLimits.breakerOpenSeconds) {
            policy.openSeconds = open
            policy.maxOpenSeconds = max(policy.maxOpenSeconds, open)
        }
        if let maxOpen = try reader.seconds("max_open_for", range: ConfigurationLimits.breakerOpenSeconds) {
            guard maxOpen >= policy.openSeconds else {
                throw file.error(.invalidValue, "\(what): breaker max_open_for is shorter than open_for", at: map.value("max_open_for")!)
            }
            policy.maxOpenSeconds = maxOpen
        }
        return policy
    }

    /// SMS sender ids as operators register them; Twilio also takes a
    /// number; email senders only need to be one header-safe line.
    private func checkSender(_ sender: String, settings: GatewaySettings, file: YAMLFile, node: Node, what: String) throws(OutreachError) {
        let channel: Channel
        switch settings {
        case .smtp: channel = .email
        case .file(let f): channel = f.channel
        default: channel = .sms
        }
        if channel == .email {
            if sender.contains(where: { $0 == "\n" || $0 == "\r" }) {
                throw file.error(.invalidValue, "\(what): sender must be one line", at: node)
            }
            return
        }
        if case .twilio = settings, Self.isE164(sender) { return }
        if let problem = SenderID.problem(sender) {
            throw file.error(.invalidValue, "\(what): sender '\(sender)' \(problem)", at: node,
                             hint: "sender ids are at most 11 characters: Latin letters, digits, space, '-' or '.', not only digits")
        }
    }

    static func isE164(_ text: String) -> Bool {
        let digits = text.dropFirst()
        return text.hasPrefix("+") && (8...15).contains(digits.count) && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    // MARK: - Types

    private func readKannel(_ reader: inout GatewayValueReader, what: String) throws(OutreachError) -> KannelSettings {
        let url = try reader.requiredString("url", what: what, example: "http://127.0.0.1:13013/cgi-bin/sendsms")
        try checkURL(url, schemes: ["http", "https"], key: "url", reader: reader, what: what)
        var settings = KannelSettings(url: url, username: try reader.requiredString("username", what: what),
                                      password: try reader.requiredString("password", what: what, secret: true))
        settings.dlrMask = try reader.int("dlr_mask", range: 0...255)
        if let dlr = try reader.string("dlr_url") {
            try checkURL(dlr, schemes: ["http", "https"], key: "dlr_url", reader: reader, what: what)
            settings.dlrURL = dlr
        }
        return settings
    }

    private func readTwilio(_ reader: inout GatewayValueReader, what: String) throws(OutreachError) -> TwilioSettings {
        var settings = TwilioSettings(accountSID: try reader.requiredString("account_sid", what: what, example: "${TWILIO_ACCOUNT_SID}"),
                                      authToken: try reader.requiredString("auth_token", what: what, secret: true))
        if let base = try reader.string("base_url") {
            try checkURL(base, schemes: ["http", "https"], key: "base_url", reader: reader, what: what)
            settings.baseURL = base.hasSuffix("/") ? String(base.dropLast()) : base
        }
        settings.messagingServiceSID = try reader.string("messaging_service_sid")
        if let callback = try reader.string("status_callback") {
            try checkURL(callback, schemes: ["http", "https"], key: "status_callback", reader: reader, what: what)
            settings.statusCallback = callback
        }
        return settings
    }

    private func readSMTP(_ reader: inout GatewayValueReader, what: String) throws(OutreachError) -> SMTPSettings {
        let url = try reader.requiredString("url", what: what, example: "smtp://127.0.0.1:2525")
        try checkURL(url, schemes: ["smtp", "smtps"], key: "url", reader: reader, what: what)
        let from = try reader.requiredString("from", what: what, example: "\"وزارة الصحة <noreply@moh.example>\"")
        if from.contains(where: { $0 == "\n" || $0 == "\r" }) || !from.contains("@") {
            throw reader.file.error(.invalidValue, "\(what): 'from' must be one address line, e.g. Name <user@domain>", at: reader.map.value("from")!)
        }
        var settings = SMTPSettings(url: url, from: from)
        if let text = try reader.string("starttls") {
            guard let mode = SMTPSettings.StartTLS(rawValue: text.lowercased()) else {
                throw reader.file.error(.invalidValue, "\(what): starttls must be required, optional or none", at: reader.map.value("starttls")!)
            }
            settings.startTLS = mode
        }
        settings.username = try reader.string("username")
        settings.password = try reader.string("password", secret: true)
        if let unsubscribe = try reader.string("unsubscribe_url") {
            try checkURL(unsubscribe, schemes: ["https", "http"], key: "unsubscribe_url", reader: reader, what: what)
            settings.unsubscribeURL = unsubscribe
        }
        settings.unsubscribeMailto = try reader.string("unsubscribe_mailto")
        // A signed token needs the server's secret, from the environment only (outreach serve verifies it).
        for (key, value) in [("unsubscribe_url", settings.unsubscribeURL), ("unsubscribe_mailto", settings.unsubscribeMailto)]
        where value?.contains("{unsubscribe_token}") == true {
            guard let secret = environment[UnsubscribeToken.secretVariable], !secret.isEmpty else {
                throw reader.file.error(.invalidValue, "\(what): \(key) uses {unsubscribe_token} but \(UnsubscribeToken.secretVariable) is not set",
                                        at: reader.map.value(key)!,
                                        hint: "export \(UnsubscribeToken.secretVariable) (the same secret outreach serve runs with) before sending")
            }
            settings.unsubscribeSecret = secret
        }
        settings.messageIDDomain = try reader.string("message_id_domain")
        return settings
    }

    private func readFile(_ reader: inout GatewayValueReader) throws(OutreachError) -> FileOutboxSettings {
        let path = try reader.string("path") ?? FileOutboxSettings.defaultPath
        let root = URL(fileURLWithPath: reader.file.path).deletingLastPathComponent().standardizedFileURL.path
        let outside = try reader.bool("allow_outside_project") ?? false
        if let problem = FileOutboxPath.problem(path, projectRoot: root, allowOutside: outside) {
            throw reader.file.error(.invalidValue, "file gateway path '\(path)' \(problem.message)", at: reader.map.value("path") ?? reader.map.node,
                                    hint: problem.hint)
        }
        var settings = FileOutboxSettings(path: path)
        if let text = try reader.string("channel") {
            guard let channel = Channel(rawValue: text.lowercased()) else {
                throw reader.file.error(.invalidValue, "unknown channel '\(text)'", at: reader.map.value("channel")!, hint: "channels are sms and email")
            }
            settings.channel = channel
        }
        return settings
    }

    func checkURL(_ url: String, schemes: [String], key: String, reader: GatewayValueReader, what: String) throws(OutreachError) {
        let lower = url.lowercased()
        guard let scheme = schemes.first(where: { lower.hasPrefix($0 + "://") }), url.count > scheme.count + 3,
              !url.contains(where: { $0 == " " || $0 == "\n" || $0 == "\r" }) else {
            throw reader.file.error(.invalidValue, "\(what): '\(key)' must be an absolute \(schemes.map { $0 + "://" }.joined(separator: " or ")) URL",
                                    at: reader.map.value(key) ?? reader.map.node)
        }
    }
}
