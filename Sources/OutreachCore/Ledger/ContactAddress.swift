/// An address normalised the way the population import normalises it, so a
/// suppression-list entry matches the ledger's address byte for byte.
///
/// Phones go through `PhoneNumber.normalize` (E.164, every Saudi form,
/// Arabic-Indic digits); emails through the import's email check and are
/// then lower-cased whole (mailbox local parts are case-insensitive in
/// practice, and an opt-out must never miss on case).
public struct ContactAddress: Sendable, Hashable, Codable, CustomStringConvertible {
    public var value: String
    public var channel: Channel

    /// nil when `raw` is neither a usable mobile number nor an email address.
    public init?(_ raw: some StringProtocol) {
        let text = String(raw)
        if text.contains("@") {
            guard case .value(.text(let email)) = FieldParser.parse(text, as: .email) else { return nil }
            self.value = email.lowercased()
            self.channel = .email
        } else {
            guard let phone = PhoneNumber.normalize(text) else { return nil }
            self.value = phone
            self.channel = .sms
        }
    }

    /// The suppression-list key for an address already in the ledger or the
    /// population (E.164 phones pass through; emails are lower-cased).
    public static func key(_ address: String) -> String {
        ContactAddress(address)?.value ?? address.lowercased()
    }

    public var description: String { value }
}
