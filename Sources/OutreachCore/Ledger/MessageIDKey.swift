/// The secret a ledger's message ids and person keys are hashed with.
///
/// Message ids leave the system (Kannel's `dlr-url`, Twilio's
/// `StatusCallback`, an email's `Message-ID` and unsubscribe link), and they
/// are hashes over the recipient's id — a national id, of which there are
/// only a few billion: unkeyed, anyone who sees a message id could find whose
/// it is by trying them all. Each new ledger draws a random key and keeps
/// it; ids are then useless to anyone without the ledger. `none` (no bytes)
/// gives the ids ledgers made before keys existed, which keep them.
public struct MessageIDKey: Sendable, Hashable {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// No key: the ids of ledgers from before keys.
    public static let none = MessageIDKey(bytes: [])

    /// 32 bytes from the system's cryptographic random source.
    public static func random() -> MessageIDKey {
        var generator = SystemRandomNumberGenerator()
        return MessageIDKey(bytes: (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }
}
