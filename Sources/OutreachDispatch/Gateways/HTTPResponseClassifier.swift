public import OutreachCore
public import Foundation

/// Turns what an HTTP gateway answered into a `DeliveryOutcome`:
///
/// | answer | outcome |
/// |---|---|
/// | an accept status (default 2xx) and `accept_when` holds (if set) | accepted, with the provider's id |
/// | an accept status but `accept_when` does not hold | rejected |
/// | a retry status (default 429, 5xx) | retryable, keeping `Retry-After` |
/// | any other status (4xx…) | rejected |
/// | a transport error (refused, reset, timeout…) | retryable (`invalidRequest`: rejected) |
///
/// Details never contain a secret (in any spelling `SecretMask` knows): they
/// are masked whole, then shortened.
public struct HTTPResponseClassifier: Sendable {
    public var acceptStatuses: Set<Int>
    public var retryStatuses: Set<Int>
    public var acceptWhen: HTTPGatewaySettings.JSONCondition?
    public var messageIDPointer: String?
    public var messageIDPattern: String? {
        didSet { compiledPattern = messageIDPattern.flatMap(CompiledPattern.init) }
    }
    /// Values never to show; `mask` follows them.
    public var secrets: [String] {
        didSet { mask = SecretMask(secrets) }
    }
    /// The secrets in every spelling an answer may echo, worked out once: classification runs for every attempt.
    public private(set) var mask: SecretMask
    /// Compiled once: classification runs for every attempt.
    private var compiledPattern: CompiledPattern?

    /// `NSRegularExpression` is immutable and documented thread-safe.
    private final class CompiledPattern: @unchecked Sendable {
        let regex: NSRegularExpression
        init?(_ pattern: String) {
            guard let regex = try? NSRegularExpression(pattern: pattern) else { return nil }
            self.regex = regex
        }
    }

    public init(acceptStatuses: some Sequence<Int> = 200...299, retryStatuses: some Sequence<Int> = [429] + Array(500...599),
                acceptWhen: HTTPGatewaySettings.JSONCondition? = nil, messageIDPointer: String? = nil,
                messageIDPattern: String? = nil, secrets: [String] = []) {
        self.acceptStatuses = Set(acceptStatuses)
        self.retryStatuses = Set(retryStatuses)
        self.acceptWhen = acceptWhen
        self.messageIDPointer = messageIDPointer
        self.messageIDPattern = messageIDPattern
        self.compiledPattern = messageIDPattern.flatMap(CompiledPattern.init)
        self.secrets = secrets.filter { !$0.isEmpty }
        self.mask = SecretMask(self.secrets)
    }

    public init(_ settings: HTTPGatewaySettings, secrets: [String]) {
        self.init(acceptStatuses: settings.acceptStatuses, retryStatuses: settings.retryStatuses, acceptWhen: settings.acceptWhen,
                  messageIDPointer: settings.messageIDPointer, messageIDPattern: settings.messageIDPattern,
                  secrets: settings.secrets + secrets)
    }

    public func classify(_ response: HTTPResponse, messageID: String, attempt: Int, now: Date = Date()) -> DeliveryOutcome {
        let detail = "HTTP \(response.status): " + shortened(response.bodyText)
        if acceptStatuses.contains(response.status) {
            // Parsed once, for the condition and the provider's id.
            let document = acceptWhen != nil || messageIDPointer != nil ? HTTPJSONValue.parse(response.body) : nil
            if let condition = acceptWhen {
                guard let document else {
                    return DeliveryOutcome(messageID: messageID, kind: .rejected, status: response.status,
                                           detail: detail + " (answer is not JSON; accept_when \(condition.pointer) cannot hold)", attempts: attempt)
                }
                guard Self.holds(condition, in: document) else {
                    return DeliveryOutcome(messageID: messageID, kind: .rejected, providerMessageID: providerID(response, document: document),
                                           status: response.status, detail: detail, attempts: attempt)
                }
            }
            return DeliveryOutcome(messageID: messageID, kind: .accepted, providerMessageID: providerID(response, document: document),
                                   status: response.status, detail: detail, attempts: attempt)
        }
        if retryStatuses.contains(response.status) {
            return DeliveryOutcome(messageID: messageID, kind: .retryable, status: response.status, detail: detail, attempts: attempt,
                                   retryAfterSeconds: response.header("Retry-After").flatMap { Self.retryAfterSeconds($0, now: now) })
        }
        return DeliveryOutcome(messageID: messageID, kind: .rejected, providerMessageID: providerID(response),
                               status: response.status, detail: detail, attempts: attempt)
    }

    public func classify(_ error: TransportError, messageID: String, attempt: Int) -> DeliveryOutcome {
        DeliveryOutcome(messageID: messageID, kind: error.isRetryable ? .retryable : .rejected,
                        detail: shortened(error.description), attempts: attempt)
    }

    /// The condition holds when the value at its pointer equals the expected
    /// value, or any of them when the expected value is a list.
    public static func holds(_ condition: HTTPGatewaySettings.JSONCondition, in document: HTTPJSONValue) -> Bool {
        guard let actual = document.resolve(condition.pointer), let expected = HTTPJSONValue.parse(condition.equals) else { return false }
        if case .array(let options) = expected { return options.contains { actual.looselyEquals($0) } }
        return actual.looselyEquals(expected)
    }

    /// The provider's id: at the JSON pointer, or the pattern's first group.
    public func providerID(_ response: HTTPResponse, document: HTTPJSONValue? = nil) -> String? {
        if let pointer = messageIDPointer, !pointer.isEmpty,
           let value = (document ?? HTTPJSONValue.parse(response.body))?.resolve(pointer)?.scalarText, !value.isEmpty {
            return value
        }
        if let regex = compiledPattern?.regex {
            let text = response.bodyText
            let range = NSRange(text.startIndex..., in: text)
            if let match = regex.firstMatch(in: text, range: range), match.numberOfRanges > 1,
               let group = Range(match.range(at: 1), in: text) {
                return String(text[group])
            }
        }
        return nil
    }

    /// `Retry-After: 120` or an HTTP date; nil when unreadable.
    public static func retryAfterSeconds(_ value: String, now: Date) -> Double? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(trimmed), seconds.isFinite, seconds >= 0 { return seconds }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: trimmed) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }

    /// One line, every secret replaced by `***`, then at most 300 characters (masked before the cut, so
    /// no part of a secret survives it).
    public func shortened(_ text: String) -> String {
        var line = text
        if line.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) {
            line = line.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        }
        line = mask.apply(line)
        // Cheap test first: 300 bytes are at most 300 characters.
        return line.utf8.count > 300 && line.count > 300 ? String(line.prefix(300)) + "…" : line
    }

    /// Replaces every secret, in every spelling, with `***`.
    public static func mask(_ text: String, secrets: [String]) -> String {
        SecretMask(secrets).apply(text)
    }
}
