/// What each recipient of one occurrence gets — the one decision preview,
/// the launch confirmation, `send` and the scheduler all make through it:
/// the recipient's composition (channel with fallback, address, opt-out,
/// rendering, encoding and parts, `RecipientComposer`) and, across the
/// occurrence, one message per address: a second person at an address
/// already messaged (two records sharing a family phone) is a
/// `duplicateAddress`, unless the campaign says `duplicate_addresses: send`.
public struct OccurrenceComposer: Sendable {
    public let composer: RecipientComposer
    /// Addresses messaged so far, per occurrence key (`addressKey`: 8 bytes each, a million fit in ~12 MB).
    private var messaged: [String: Set<UInt64>] = [:]

    public init(_ composer: RecipientComposer) {
        self.composer = composer
    }

    public var campaign: CampaignDefinition { composer.campaign }

    public mutating func compose(_ record: some RecordData, segment: String, occurrence: String = "") -> RecipientComposer.Composition {
        decide(record, segment: segment, occurrence: occurrence).composition
    }

    /// The composition with the variant it was made from (`RecipientComposer.decide`), admitted to the occurrence.
    public mutating func decide(_ record: some RecordData, segment: String, occurrence: String = "") -> RecipientComposer.Decision {
        var decision = composer.decide(record, segment: segment)
        decision.composition = admit(decision.composition, occurrence: occurrence)
        return decision
    }

    /// A recipient's composition (`composer.compose`) for one occurrence: a message becomes a
    /// `duplicateAddress` when the occurrence already messages its address. Lets `plan` render a person once
    /// and count each of their sends.
    public mutating func admit(_ composition: RecipientComposer.Composition, occurrence: String) -> RecipientComposer.Composition {
        guard case .message(let channel, let address, _, _) = composition, composer.campaign.duplicateAddresses == .skip else {
            return composition
        }
        if messaged[occurrence, default: []].insert(Self.addressKey(address, channel: channel)).inserted { return composition }
        return .duplicateAddress(channel: channel, address: address)
    }

    /// An address as a number: an E.164 phone (as `RecipientComposer.address` gives it) exactly, by its
    /// digits; an email by a 64-bit hash of its lower-cased bytes, with the top bit set so it never equals
    /// a phone's.
    static func addressKey(_ address: String, channel: Channel) -> UInt64 {
        if channel == .sms {
            var value: UInt64 = 0, digits = 0
            for byte in address.utf8 where byte != UInt8(ascii: "+") {
                guard byte >= 0x30, byte <= 0x39, digits < 18 else { digits = -1; break }
                value = value &* 10 &+ UInt64(byte - 0x30)
                digits += 1
            }
            if digits > 0 { return value }
        }
        var lower = address.lowercased()
        return lower.withUTF8 { ByteHash.hash($0, fullMix: true) } | (1 << 63)
    }
}
