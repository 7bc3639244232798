/// One message ready to leave: rendered, addressed, with its own id.
///
/// The id is what makes sending idempotent: the ledger (scheduling issue)
/// keys it by campaign, occurrence and recipient; a gateway passes it to the
/// provider where the provider accepts a client reference.
public struct OutboundMessage: Sendable, Hashable, Codable {
    public var id: String
    public var channel: Channel
    /// The population id of the person, for reports (never sent to a gateway).
    public var recipientID: String
    /// E.164 phone number (`+9665…`) for SMS, an email address for email.
    public var to: String
    /// SMS sender id, or the From address/display name for email; nil uses the gateway's default.
    public var sender: String?
    public var subject: String?
    public var text: String
    public var html: String?
    public var language: String?

    public init(id: String, channel: Channel, recipientID: String, to: String, sender: String? = nil,
                subject: String? = nil, text: String, html: String? = nil, language: String? = nil) {
        self.id = id
        self.channel = channel
        self.recipientID = recipientID
        self.to = to
        self.sender = sender
        self.subject = subject
        self.text = text
        self.html = html
        self.language = language
    }
}
