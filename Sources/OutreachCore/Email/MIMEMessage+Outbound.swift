public import Foundation

extension MIMEMessage {
    /// Builds the email for one outbound message through an SMTP gateway.
    ///
    /// From is the message's `sender` when it has one — a full mailbox
    /// (`Name <addr>`) or just a display name, which then goes with the
    /// gateway's address — else the gateway's `from`. The Message-ID is
    /// derived from the message id, so a retry resends the same Message-ID
    /// and receivers can drop duplicates. `{message_id}` in the unsubscribe
    /// targets is replaced, percent-encoded.
    public init(message: OutboundMessage, settings: SMTPSettings, date: Date) throws(EmailError) {
        let gatewayFrom = try Mailbox(parsing: settings.from)
        var from = gatewayFrom
        if let sender = message.sender {
            if sender.contains("@") {
                from = try Mailbox(parsing: sender)
            } else {
                from = Mailbox(displayName: sender, address: gatewayFrom.address)
            }
        }
        let recipient = try Mailbox(parsing: message.to)
        let domain = settings.messageIDDomain ?? from.address.domain
        guard EmailAddress.isHostname(domain) else {
            throw EmailError(.invalidHeaderValue, "the Message-ID domain \(EmailError.shown(domain)) is not a domain name")
        }
        let messageID = Self.messageIDLeft(message.id) + "@" + domain

        var targets: [String] = []
        if let mailto = settings.unsubscribeMailto {
            let target = mailto.lowercased().hasPrefix("mailto:") ? mailto : "mailto:" + mailto
            targets.append(Self.substitute(target, messageID: message.id))
        }
        if let url = settings.unsubscribeURL {
            targets.append(Self.substitute(url, messageID: message.id))
        }
        let oneClick = settings.unsubscribeURL?.lowercased().hasPrefix("https://") ?? false

        self.init(from: from, to: [recipient], subject: message.subject ?? "", date: date, messageID: messageID,
                  text: message.text, html: message.html, language: message.language,
                  listUnsubscribe: targets, oneClickUnsubscribe: oneClick)
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

    static func substitute(_ template: String, messageID: String) -> String {
        template.replacingOccurrences(of: "{message_id}", with: PercentEncoding.encode(messageID))
    }

}
