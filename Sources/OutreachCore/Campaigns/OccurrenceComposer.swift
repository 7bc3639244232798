/// What each recipient of one occurrence gets — the one decision preview,
/// the launch confirmation, `send` and the scheduler all make through it:
/// the recipient's composition (channel with fallback, address, opt-out,
/// rendering, encoding and parts, `RecipientComposer`) and, across the
/// occurrence, one message per address: a second person at an address
/// already messaged (two records sharing a family phone) is a
/// `duplicateAddress`, unless the campaign says `duplicate_addresses: send`.
public struct OccurrenceComposer: Sendable {
    public let composer: RecipientComposer
    /// Addresses messaged so far, per occurrence key.
    private var messaged: [String: Set<String>] = [:]

    public init(_ composer: RecipientComposer) {
        self.composer = composer
    }

    public var campaign: CampaignDefinition { composer.campaign }

    public mutating func compose(_ record: some RecordData, segment: String, occurrence: String = "") -> RecipientComposer.Composition {
        let composition = composer.compose(record, segment: segment)
        guard case .message(let channel, let address, _, _) = composition, composer.campaign.duplicateAddresses == .skip else {
            return composition
        }
        let key = ContactAddress.key(address)
        if messaged[occurrence, default: []].insert(key).inserted { return composition }
        return .duplicateAddress(channel: channel, address: address)
    }
}
