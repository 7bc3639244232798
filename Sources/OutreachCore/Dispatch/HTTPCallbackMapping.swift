/// How a generic `http` gateway calls back (`callback:` and `inbound:` in
/// gateways.yaml): which fields of its request carry what. A field is a
/// form or query-string name, or for a JSON body a name at the top level
/// or a JSON pointer (`/data/status`).
public struct HTTPCallbackMapping: Sendable, Equatable {
    /// The body the provider sends (the query string is read as well).
    public enum Format: String, Sendable, Equatable, CaseIterable {
        case form
        case json
    }

    /// Which id the report names: the provider's (from the send's answer, `message_id` pointer) or ours
    /// (`{message_id}`, when the gateway passes it on to the provider).
    public enum IDKind: String, Sendable, Equatable, CaseIterable {
        case provider
        case ours
    }

    public var format: Format
    public var messageIDField: String
    public var idKind: IDKind
    public var statusField: String
    /// Provider status values (compared without case) and what they mean; other values are reports on the
    /// way (queued, sent, …) and change nothing.
    public var statuses: [String: DeliveryReport.Status]
    public var reasonField: String?

    public init(format: Format = .form, messageIDField: String, idKind: IDKind = .provider, statusField: String,
                statuses: [String: DeliveryReport.Status], reasonField: String? = nil) {
        self.format = format
        self.messageIDField = messageIDField
        self.idKind = idKind
        self.statusField = statusField
        self.statuses = Dictionary(statuses.map { ($0.key.lowercased(), $0.value) }) { first, _ in first }
        self.reasonField = reasonField
    }

    /// What a status value means; nil when it is one on the way.
    public func status(for value: String) -> DeliveryReport.Status? { statuses[value.lowercased()] }
}

/// `inbound:` of a generic `http` gateway: where the sender and the text are.
public struct HTTPInboundMapping: Sendable, Equatable {
    public var format: HTTPCallbackMapping.Format
    public var fromField: String
    public var textField: String

    public init(format: HTTPCallbackMapping.Format = .form, fromField: String, textField: String) {
        self.format = format
        self.fromField = fromField
        self.textField = textField
    }
}
