import Foundation

/// Which campaign each claimed message belongs to, so the dispatcher can
/// route it to that campaign's gateway (message ids are opaque hashes).
/// Filled when messages are claimed, emptied when their outcome is recorded.
public final class ClaimRoutes: @unchecked Sendable {
    private let lock = NSLock()
    private var campaignOf: [String: String] = [:]

    public init() {}

    func claimed(_ messageIDs: [String], campaign: String) {
        lock.withLock { for id in messageIDs { campaignOf[id] = campaign } }
    }

    func finished(_ messageIDs: [String]) {
        lock.withLock { for id in messageIDs { campaignOf[id] = nil } }
    }

    public func campaign(of messageID: String) -> String? {
        lock.withLock { campaignOf[messageID] }
    }
}
