public import Foundation

/// The ledger as the dispatcher's `MessageSource` and `OutcomeSink`.
///
/// `next` claims due entries (they are `sending` from then on, written before
/// any attempt leaves), so `willSend` has nothing left to write; `didFinish`
/// records the final outcomes in one batch. Entries materialised without a
/// payload are composed by `compose`; one it cannot compose is skipped as
/// `renderFailed`.
public struct LedgerMessageSource: MessageSource, OutcomeSink {
    public let store: any LedgerStore
    public let request: ClaimRequest
    public let clock: @Sendable () -> Date
    public let compose: (@Sendable (LedgerEntry) -> OutboundMessage?)?

    /// `request.limit` is replaced by each `next(max:)`'s `max`, `request.now` by `clock()`.
    public init(store: any LedgerStore, request: ClaimRequest = ClaimRequest(limit: 0, now: Date(timeIntervalSince1970: 0)),
                clock: @escaping @Sendable () -> Date = { Date() },
                compose: (@Sendable (LedgerEntry) -> OutboundMessage?)? = nil) {
        self.store = store
        self.request = request
        self.clock = clock
        self.compose = compose
    }

    public func next(max: Int) async throws -> [OutboundMessage] {
        var request = self.request
        request.limit = max
        while true {
            request.now = clock()
            let entries = try await store.claim(request)
            var messages: [OutboundMessage] = []
            messages.reserveCapacity(entries.count)
            var unrenderable: [String] = []
            for entry in entries {
                if let message = entry.outboundMessage ?? compose?(entry) {
                    messages.append(message)
                } else {
                    unrenderable.append(entry.messageID)
                }
            }
            if !unrenderable.isEmpty {
                // Claimed (sending) but never left: back to queued, then skipped.
                _ = try await store.release(unrenderable, at: request.now)
                _ = try await store.skip(unrenderable, reason: .renderFailed,
                                         detail: "no payload stored and none composed", at: request.now)
            }
            // An all-unrenderable batch is not "nothing due": claim again.
            if !messages.isEmpty || entries.isEmpty { return messages }
        }
    }

    public func willSend(_ messages: [OutboundMessage]) async throws {}

    public func willAttempt(_ messageIDs: [String]) async throws {
        try await store.markAttempted(messageIDs, at: clock())
    }

    public func didFinish(_ outcomes: [DeliveryOutcome]) async throws {
        _ = try await store.record(outcomes, at: clock())
    }

    /// Claimed messages that will not be attempted (shutdown): queued again.
    public func releaseUnsent(_ messageIDs: [String]) async throws {
        _ = try await store.release(messageIDs, at: clock())
    }
}
