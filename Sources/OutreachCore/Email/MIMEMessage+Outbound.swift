public import Foundation

extension MIMEMessage {
    /// Builds the email for one outbound message through an SMTP gateway.
    ///
    /// From is the message's `sender` when it has one — a full mailbox
    /// (`Name <addr>`) or just a display name, which then goes with the
    /// gateway's address — else the gateway's `from`. The Message-ID is
    /// derived from the message id, so a retry resends the same Message-ID
    /// and receivers can drop duplicates. `{message_id}` in the unsubscribe
    /// targets is replaced, percent-encoded; `{unsubscribe_token}` by an
    /// `UnsubscribeToken` for the message, signed with the gateway's
    /// `unsubscribeSecret` (what `outreach serve`'s `/unsubscribe/<token>` verifies).
    public init(message: OutboundMessage, settings: SMTPSettings, date: Date) throws(EmailError) {
        try self.init(message: message, defaults: OutboundDefaults(settings), date: date)
    }

    /// The same, with the gateway's part read once (`OutboundDefaults`), for
    /// a gateway that builds many messages.
    public init(message: OutboundMessage, defaults: OutboundDefaults, date: Date) throws(EmailError) {
        let gatewayFrom = try defaults.from.get()
        var from = gatewayFrom
        if let sender = message.sender {
            if sender.contains("@") {
                from = try Mailbox(parsing: sender)
            } else {
                from = Mailbox(displayName: sender, address: gatewayFrom.address)
            }
        }
        let recipient = try Mailbox(parsing: message.to)
        let domain: String
        let domainIsValid: Bool
        if let configured = defaults.messageIDDomain {
            (domain, domainIsValid) = (configured, defaults.messageIDDomainIsValid)
        } else {
            domain = from.address.domain
            domainIsValid = domain == gatewayFrom.address.domain || EmailAddress.isHostname(domain)
        }
        guard domainIsValid else {
            throw EmailError(.invalidHeaderValue, "the Message-ID domain \(EmailError.shown(domain)) is not a domain name")
        }
        let messageID = Self.messageIDLeft(message.id) + "@" + domain

        var targets: [String] = []
        if let mailto = defaults.unsubscribeMailto {
            targets.append(Self.substitute(mailto, messageID: message.id, signer: defaults.unsubscribeSigner))
        }
        if let url = defaults.unsubscribeURL {
            targets.append(Self.substitute(url, messageID: message.id, signer: defaults.unsubscribeSigner))
        }

        self.init(from: from, to: [recipient], subject: message.subject ?? "", date: date, messageID: messageID,
                  text: message.text, html: message.html, language: message.language,
                  listUnsubscribe: targets, oneClickUnsubscribe: defaults.oneClickUnsubscribe)
    }

    /// What an SMTP gateway's settings give every message — the parsed
    /// `from`, the Message-ID domain, the unsubscribe targets — read and
    /// checked once. A bad `from` or domain is kept as it is and reported
    /// by each message built with it, exactly as when building from the
    /// settings directly.
    public struct OutboundDefaults: Sendable {
        let from: Result<Mailbox, EmailError>
        let messageIDDomain: String?
        let messageIDDomainIsValid: Bool
        let unsubscribeMailto: String?
        let unsubscribeURL: String?
        let oneClickUnsubscribe: Bool
        let unsubscribeSigner: UnsubscribeToken.Signer?

        public init(_ settings: SMTPSettings) {
            do throws(EmailError) {
                from = .success(try Mailbox(parsing: settings.from))
            } catch {
                from = .failure(error)
            }
            messageIDDomain = settings.messageIDDomain
            messageIDDomainIsValid = settings.messageIDDomain.map(EmailAddress.isHostname) ?? false
            unsubscribeMailto = settings.unsubscribeMailto.map { mailto in
                mailto.lowercased().hasPrefix("mailto:") ? mailto : "mailto:" + mailto
            }
            unsubscribeURL = settings.unsubscribeURL
            oneClickUnsubscribe = settings.unsubscribeURL?.lowercased().hasPrefix("https://") ?? false
            unsubscribeSigner = settings.unsubscribeSecret.map { UnsubscribeToken.Signer(secret: Array($0.utf8)) }
        }
    }

    /// The id made a valid, injective `id-left`: letters, digits, `-` and
    /// `_` stay, every other byte becomes `=XX`.
    static func messageIDLeft(_ id: String) -> String {
        var out = ""
        for byte in id.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "=" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return out.isEmpty ? "message" : out
    }

    static func substitute(_ template: String, messageID: String, signer: UnsubscribeToken.Signer? = nil) -> String {
        var out = template
        if out.contains("{message_id}") {
            out = out.replacingOccurrences(of: "{message_id}", with: PercentEncoding.encode(messageID))
        }
        // Without a secret the placeholder stays as written (the loader refuses that configuration).
        if let signer, out.contains("{unsubscribe_token}") {
            out = out.replacingOccurrences(of: "{unsubscribe_token}", with: signer.token(messageID: messageID).text)
        }
        return out
    }

}
