/// A signed reference to one sent message, for links a person can follow
/// to opt out (the email `List-Unsubscribe` URL): it names the message, and
/// only the holder of the server secret can make one, so a link never
/// carries a bare id someone could change to opt out a stranger.
///
/// Form: `base64url(message id) "." base64url(HMAC-SHA256(secret, context ‖ id))`,
/// URL- and path-safe without escaping. Verification recomputes the code and
/// compares it in constant time.
public struct UnsubscribeToken: Sendable, Hashable, CustomStringConvertible {
    public let messageID: String
    /// The token as it goes into a URL.
    public let text: String

    /// The environment variable holding the server secret (never in a file).
    public static let secretVariable = "OUTREACH_WEBHOOK_SECRET"

    /// Separates these codes from any other use of the same secret.
    private static let context = Array("outreach-unsubscribe-v1\n".utf8)

    /// Signs `messageID` with `secret`.
    public init(messageID: String, secret: some Collection<UInt8>) {
        self = Signer(secret: secret).token(messageID: messageID)
    }

    /// The secret's key prepared once, for a gateway that signs many messages.
    public struct Signer: Sendable {
        let key: HMACSHA256

        public init(secret: some Collection<UInt8>) { key = HMACSHA256(key: secret) }

        public func token(messageID: String) -> UnsubscribeToken {
            let mac = UnsubscribeToken.code(messageID, key: key)
            return UnsubscribeToken(messageID: messageID, text: Base64URL.encode(Array(messageID.utf8)) + "." + Base64URL.encode(mac))
        }
    }

    /// The message a token names, or nil when it is malformed, forged or altered.
    public static func verify(_ text: String, secret: some Collection<UInt8>) -> UnsubscribeToken? {
        guard text.utf8.count <= 1024 else { return nil }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2,
              let idBytes = Base64URL.decode(parts[0]), !idBytes.isEmpty,
              let mac = Base64URL.decode(parts[1]), mac.count == 32,
              let messageID = String(validating: idBytes, as: UTF8.self) else { return nil }
        let expected = code(messageID, key: HMACSHA256(key: secret))
        var difference: UInt8 = 0
        for (a, b) in zip(mac, expected) { difference |= a ^ b }
        guard difference == 0 else { return nil }
        return UnsubscribeToken(messageID: messageID, text: text)
    }

    fileprivate init(messageID: String, text: String) {
        self.messageID = messageID
        self.text = text
    }

    fileprivate static func code(_ messageID: String, key: HMACSHA256) -> [UInt8] {
        var mac = key.start()
        mac.update(context)
        mac.update(messageID.utf8)
        return mac.finalize()
    }

    public var description: String { text }
}

/// Base64 with the URL-safe alphabet and no padding (RFC 4648 §5).
enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var i = 0
        while i + 3 <= bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], alphabet[Int(n & 63)]]
            i += 3
        }
        let rest = bytes.count - i
        if rest == 1 {
            let n = UInt32(bytes[i]) << 16
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)]]
        } else if rest == 2 {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)]]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// nil on any byte outside the alphabet, on padding, or on a length no encoding has.
    /// Only canonical encodings decode (unused trailing bits must be zero), so one value has one token.
    static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var values = [UInt8]()
        values.reserveCapacity(text.utf8.count)
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): values.append(b - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): values.append(b - UInt8(ascii: "a") + 26)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): values.append(b - UInt8(ascii: "0") + 52)
            case UInt8(ascii: "-"): values.append(62)
            case UInt8(ascii: "_"): values.append(63)
            default: return nil
            }
        }
        if values.count % 4 == 1 { return nil }
        var out = [UInt8]()
        var i = 0
        while i + 4 <= values.count {
            let n = UInt32(values[i]) << 18 | UInt32(values[i + 1]) << 12 | UInt32(values[i + 2]) << 6 | UInt32(values[i + 3])
            out += [UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)]
            i += 4
        }
        let rest = values.count - i
        if rest == 2 {
            guard values[i + 1] & 0x0F == 0 else { return nil }
            out.append(values[i] << 2 | values[i + 1] >> 4)
        } else if rest == 3 {
            guard values[i + 2] & 0x03 == 0 else { return nil }
            let n = UInt32(values[i]) << 18 | UInt32(values[i + 1]) << 12 | UInt32(values[i + 2]) << 6
            out += [UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF)]
        }
        return out
    }
}
