public import Foundation

/// One entry of the suppression list: this address is never sent anything,
/// whatever a campaign says.
public struct OptOut: Sendable, Hashable, Codable {
    /// Normalised (see `ContactAddress`).
    public var address: String
    public var channel: Channel
    /// Where it came from: `cli`, `import:FILE`, `reply`, `unsubscribe`, …
    public var source: String
    public var reason: String?
    public var createdAt: Date

    public init(address: ContactAddress, source: String, reason: String? = nil, createdAt: Date) {
        self.address = address.value
        self.channel = address.channel
        self.source = source
        self.reason = reason
        self.createdAt = createdAt
    }

    public init(address: String, channel: Channel, source: String, reason: String? = nil, createdAt: Date) {
        self.address = address
        self.channel = channel
        self.source = source
        self.reason = reason
        self.createdAt = createdAt
    }
}
