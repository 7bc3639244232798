public import OutreachCore

/// The shared secret every webhook URL carries as a path segment
/// (`/hooks/<secret>/…`). Compared in constant time; never printed.
public struct WebhookSecret: Sendable, CustomStringConvertible {
    /// The environment variable it is read from.
    public static let environmentVariable = "OUTREACH_WEBHOOK_SECRET"
    public static let minimumLength = 16

    private let bytes: [UInt8]

    /// Refuses a secret that is too short to guess-proof a URL or that would
    /// need escaping in one (letters, digits and `-._~` only).
    public init(_ text: String) throws(OutreachError) {
        guard text.utf8.count >= Self.minimumLength else {
            throw OutreachError(.invalidValue, "\(Self.environmentVariable) is \(text.isEmpty ? "empty" : "too short"): it needs at least \(Self.minimumLength) characters",
                                hint: "set a long random value, e.g. `export \(Self.environmentVariable)=$(openssl rand -hex 24)`")
        }
        guard text.utf8.allSatisfy({ Self.isURLSafe($0) }) else {
            throw OutreachError(.invalidValue, "\(Self.environmentVariable) may hold only letters, digits and - . _ ~ (it is part of the webhook URLs)",
                                hint: "e.g. `export \(Self.environmentVariable)=$(openssl rand -hex 24)`")
        }
        bytes = Array(text.utf8)
    }

    /// The secret from the environment; a clear refusal when it is missing.
    public static func fromEnvironment(_ environment: [String: String]) throws(OutreachError) -> WebhookSecret {
        guard let text = environment[environmentVariable] else {
            throw OutreachError(.invalidValue, "\(environmentVariable) is not set: `outreach serve` will not accept webhooks without a secret",
                                hint: "e.g. `export \(environmentVariable)=$(openssl rand -hex 24)`; put the same value in the gateways' callback URLs")
        }
        return try WebhookSecret(text)
    }

    /// Constant time in the length of the candidate: every byte is looked at
    /// whatever the first difference.
    public func matches(_ candidate: some StringProtocol) -> Bool {
        let other = Array(candidate.utf8)
        var difference = UInt8(truncatingIfNeeded: other.count ^ bytes.count)
        for index in other.indices {
            difference |= other[index] ^ bytes[index % max(bytes.count, 1)]
        }
        return difference == 0
    }

    /// The secret itself, for composing a callback URL to show the operator.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    public var description: String { "<webhook secret>" }

    private static func isURLSafe(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"): true
        default: false
        }
    }
}
