public import Foundation

/// A delivery report from a provider (Kannel DLR, Twilio status callback)
/// about a message the gateway had accepted.
public struct DeliveryReport: Sendable, Hashable, Codable {
    /// The final state the provider reports; each maps to one ledger state.
    public enum Status: String, Sendable, Hashable, Codable {
        case delivered
        case failed
        case expired

        var state: LedgerState {
            switch self {
            case .delivered: .delivered
            case .failed: .failed
            case .expired: .expired
            }
        }
    }

    /// Our message id when the provider echoes it back (Kannel's dlr-url can);
    /// otherwise the provider's own id.
    public enum Key: Sendable, Hashable, Codable {
        case messageID(String)
        case providerMessageID(String)
    }

    public var key: Key
    public var status: Status
    public var detail: String?
    public var at: Date

    public init(key: Key, status: Status, detail: String? = nil, at: Date) {
        self.key = key
        self.status = status
        self.detail = detail
        self.at = at
    }

    /// The ledger state this report moves an `accepted` entry to.
    public var state: LedgerState { status.state }
}
