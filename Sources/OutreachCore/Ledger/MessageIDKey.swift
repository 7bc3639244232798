/// The secret a ledger's message ids and person keys are made with, and how
/// they are made with it (`Scheme`).
///
/// Message ids leave the system (Kannel's `dlr-url`, Twilio's
/// `StatusCallback`, an email's `Message-ID` and unsubscribe link), and they
/// are derived from the recipient's id — a national id, of which there are
/// only a few billion: unkeyed, anyone who sees a message id could find whose
/// it is by trying them all. Each new ledger draws a random key and keeps
/// it, and its ids are HMAC-SHA256 codes under that key: useless to anyone
/// without the ledger. Older ledgers keep the ids they made (`none`, and
/// `Scheme.sha256KeyPrefix`), since their entries, frequency caps and
/// delivery reports depend on them.
public struct MessageIDKey: Sendable, Hashable {
    /// How an id is derived from the key and the data; recorded in the ledger with the key.
    public enum Scheme: String, Sendable, Hashable, CaseIterable {
        /// SHA-256 over the key's bytes followed by the data: ledgers made before the scheme was recorded
        /// (with an empty key: ledgers made before keys).
        case sha256KeyPrefix = "sha256-key-prefix"
        /// HMAC-SHA256 (RFC 2104) with the key: every ledger made since.
        case hmacSHA256 = "hmac-sha256"
    }

    public let scheme: Scheme
    public let bytes: [UInt8]
    /// 64 bits that tell keys apart (not the key, nor enough to find it): what an entry carries to say
    /// which key made its id (`LedgerEntry.idOrigin`), so a store can check every entry of a batch
    /// without hashing again.
    public let fingerprint: UInt64
    /// The HMAC's padded key blocks, hashed once per key rather than once per id.
    private let mac: HMACSHA256?

    public init(scheme: Scheme, bytes: [UInt8]) {
        self.scheme = scheme
        self.bytes = bytes
        self.mac = scheme == .hmacSHA256 ? HMACSHA256(key: bytes) : nil
        var hasher = SHA256()
        hasher.update("outreach message-id key fingerprint".utf8)
        hasher.update(CollectionOfOne(0))
        hasher.update(scheme.rawValue.utf8)
        hasher.update(CollectionOfOne(0))
        hasher.update(bytes)
        fingerprint = hasher.finalize().prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// No key, the legacy scheme: the ids of ledgers made before keys, which keep them. Never for a new ledger.
    public static let none = MessageIDKey(scheme: .sha256KeyPrefix, bytes: [])

    /// A new ledger's key: 32 bytes from the system's cryptographic random source, HMAC-SHA256.
    public static func random() -> MessageIDKey {
        var generator = SystemRandomNumberGenerator()
        return MessageIDKey(scheme: .hmacSHA256, bytes: (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    public static func == (a: MessageIDKey, b: MessageIDKey) -> Bool { a.scheme == b.scheme && a.bytes == b.bytes }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(scheme)
        hasher.combine(bytes)
    }

    /// A digest under this key, in this key's scheme, of data given in pieces.
    public func startDigest() -> Digest {
        if let mac { return Digest(prefixed: nil, mac: mac.start()) }
        var hasher = SHA256()
        hasher.update(bytes)
        return Digest(prefixed: hasher, mac: nil)
    }

    /// One digest in progress (`startDigest()`).
    public struct Digest: Sendable {
        // Two optionals rather than an enum: an optional's payload is updated in place, an enum's would be
        // copied (its pending block with it) at every update.
        fileprivate var prefixed: SHA256?
        fileprivate var mac: HMACSHA256.Computation?

        public mutating func update(_ bytes: some Sequence<UInt8>) {
            prefixed?.update(bytes)
            mac?.update(bytes)
        }

        /// The digest's first 64 bits, big-endian.
        public consuming func first64Bits() -> UInt64 {
            let digest = if let mac { mac.finalize() } else if let prefixed { prefixed.finalize() } else { [UInt8]() }
            return digest.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
        }

        /// The digest's first two 64-bit words, big-endian: two independent draws from one digest.
        public consuming func firstTwo64BitWords() -> (UInt64, UInt64) {
            let digest = if let mac { mac.finalize() } else if let prefixed { prefixed.finalize() } else { [UInt8]() }
            return (digest.prefix(8).reduce(0) { $0 << 8 | UInt64($1) },
                    digest.dropFirst(8).prefix(8).reduce(0) { $0 << 8 | UInt64($1) })
        }
    }
}
