public import OutreachCore

/// The bearer token the JSON API asks for (`Authorization: Bearer <token>`), from the environment
/// (`OUTREACH_API_TOKEN`). Without it the API is off. Compared in constant time; never printed.
public struct APIToken: Sendable, CustomStringConvertible {
    public static let environmentVariable = "OUTREACH_API_TOKEN"
    public static let minimumLength = 16

    private let bytes: [UInt8]

    /// Refuses a token too short to resist guessing, or one that cannot travel in a header as it is
    /// (printable ASCII without spaces only).
    public init(_ text: String) throws(OutreachError) {
        guard text.utf8.count >= Self.minimumLength else {
            throw OutreachError(.invalidValue, "\(Self.environmentVariable) is \(text.isEmpty ? "empty" : "too short"): it needs at least \(Self.minimumLength) characters",
                                hint: "set a long random value, e.g. `export \(Self.environmentVariable)=$(openssl rand -hex 24)`, or unset it to turn the API off")
        }
        guard text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw OutreachError(.invalidValue, "\(Self.environmentVariable) may hold only printable ASCII without spaces (it travels in a header)",
                                hint: "e.g. `export \(Self.environmentVariable)=$(openssl rand -hex 24)`")
        }
        bytes = Array(text.utf8)
    }

    /// The token from the environment: nil when it is not set (the API is off); a clear refusal when it is
    /// set but unusable.
    public static func fromEnvironment(_ environment: [String: String]) throws(OutreachError) -> APIToken? {
        guard let text = environment[environmentVariable] else { return nil }
        return try APIToken(text)
    }

    /// Constant time in the length of the candidate: every byte is looked at whatever the first difference.
    public func matches(_ candidate: some StringProtocol) -> Bool {
        let other = Array(candidate.utf8)
        var difference = UInt8(truncatingIfNeeded: other.count ^ bytes.count)
        for index in other.indices {
            difference |= other[index] ^ bytes[index % max(bytes.count, 1)]
        }
        return difference == 0
    }

    public var description: String { "<api token>" }
}
