import Foundation
import Synchronization

/// Which campaign each claimed message belongs to, so the dispatcher can
/// route it to that campaign's gateway (message ids are opaque hashes).
/// Filled when messages are claimed, emptied when their outcome is recorded.
public final class ClaimRoutes: Sendable {
    private let campaignOf = Mutex<[String: String]>([:])

    public init() {}

    func claimed(_ messageIDs: [String], campaign: String) {
        campaignOf.withLock { for id in messageIDs { $0[id] = campaign } }
    }

    func finished(_ messageIDs: [String]) {
        campaignOf.withLock { for id in messageIDs { $0[id] = nil } }
    }

    public func campaign(of messageID: String) -> String? {
        campaignOf.withLock { $0[messageID] }
    }
}
