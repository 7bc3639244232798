/// Which key a ledger entry's message id was made with (its
/// `MessageIDKey.fingerprint`), so a store can check every entry of a batch
/// against its own key by comparing two integers instead of hashing the
/// recipient again.
///
/// Set by the initialisers that derive the id; `unknown` for an entry read
/// back from a store or given its id. Provenance, not part of the entry's
/// value: any two origins compare equal, hash alike and are not encoded, so
/// an entry read back still equals the one written.
public struct MessageIDOrigin: Sendable, Hashable, Codable {
    /// The fingerprint of the key that made the id; nil when not known.
    public let keyFingerprint: UInt64?

    public init(keyFingerprint: UInt64?) { self.keyFingerprint = keyFingerprint }

    public static let unknown = MessageIDOrigin(keyFingerprint: nil)

    public static func == (_: MessageIDOrigin, _: MessageIDOrigin) -> Bool { true }
    public func hash(into hasher: inout Hasher) {}

    public init(from decoder: any Decoder) throws { self = .unknown }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encodeNil()
    }
}
