/// What a gateway answered to one attempt at sending one message.
///
/// `accepted`: the gateway took it (delivery reports may follow);
/// `retryable`: try again later (connection refused/reset, timeout, HTTP 429
/// and 5xx, SMTP 4xx); `rejected`: never retry (HTTP 4xx other than 429,
/// SMTP 5xx, invalid number).
public struct DeliveryOutcome: Sendable, Hashable, Codable {
    /// What the gateway's answer means for the message (see the type's comment).
    public enum Kind: String, Sendable, Hashable, Codable {
        case accepted
        case retryable
        case rejected
    }

    public var messageID: String
    public var kind: Kind
    /// The provider's id for the message, when it gave one.
    public var providerMessageID: String?
    /// HTTP status or SMTP reply code; nil when no answer came (network error).
    public var status: Int?
    /// The gateway's answer or the transport error, shortened, never containing secrets.
    public var detail: String
    /// Attempts made so far for this message (1 for the first).
    public var attempts: Int
    /// Seconds the gateway asked us to wait (`Retry-After`), if it did.
    public var retryAfterSeconds: Double?

    public init(messageID: String, kind: Kind, providerMessageID: String? = nil, status: Int? = nil,
                detail: String, attempts: Int = 1, retryAfterSeconds: Double? = nil) {
        self.messageID = messageID
        self.kind = kind
        self.providerMessageID = providerMessageID
        self.status = status
        self.detail = detail
        self.attempts = attempts
        self.retryAfterSeconds = retryAfterSeconds
    }
}
