public import Foundation
public import OutreachCore

/// The ledger as the dispatcher's source, one campaign at a time in turn,
/// each held to its `throttle` (a smooth token bucket on the scheduler's
/// clock), and stopping cleanly: once `stop()` is called no more messages
/// are claimed, so a graceful shutdown only waits for what is in flight.
public final class ThrottledLedgerSource: MessageSource, OutcomeSink, @unchecked Sendable {
    private let store: any LedgerStore
    private let base: ClaimRequest
    private let clock: any SchedulerClock
    private let throttles: [String: RateLimit]
    private let campaigns: [String]
    private let lock = NSLock()
    private var stopped = false
    private var tokens: [String: Double] = [:]
    private var refilled: [String: Date] = [:]
    private var turn = 0
    private let inner: LedgerMessageSource

    /// `request.campaigns` lists the launched campaigns; each is claimed separately.
    private let routes: ClaimRoutes

    public init(store: any LedgerStore, request: ClaimRequest, clock: any SchedulerClock, throttles: [String: RateLimit],
                routes: ClaimRoutes = ClaimRoutes()) {
        self.store = store
        self.routes = routes
        self.base = request
        self.clock = clock
        self.throttles = throttles
        self.campaigns = (request.campaigns ?? []).sorted()
        self.inner = LedgerMessageSource(store: store, request: request, clock: { clock.now() })
    }

    public func stop() {
        lock.withLock { stopped = true }
    }

    public var isStopped: Bool { lock.withLock { stopped } }

    public func next(max: Int) async throws -> [OutboundMessage] {
        while !isStopped {
            var throttledWaiting: Date?
            for k in 0..<campaigns.count {
                let campaign = lock.withLock { campaigns[(turn + k) % campaigns.count] }
                let allowance = allowance(campaign, max: max)
                if allowance.count == 0 {
                    if let at = allowance.nextToken { throttledWaiting = min(throttledWaiting ?? at, at) }
                    continue
                }
                var request = base
                request.campaigns = [campaign]
                let source = LedgerMessageSource(store: store, request: request, clock: { [clock] in clock.now() })
                let messages = try await source.next(max: allowance.count)
                if !messages.isEmpty {
                    routes.claimed(messages.map(\.id), campaign: campaign)
                    spend(campaign, messages.count)
                    lock.withLock { turn = (turn + k + 1) % campaigns.count }
                    return messages
                }
            }
            // Nothing claimable now: done, unless a throttled campaign only waits for tokens.
            guard let wake = throttledWaiting else { return [] }
            try await clock.sleep(until: wake)
        }
        return []
    }

    public func willSend(_ messages: [OutboundMessage]) async throws {}

    public func willAttempt(_ messageIDs: [String]) async throws {
        try await inner.willAttempt(messageIDs)
    }

    public func didFinish(_ outcomes: [DeliveryOutcome]) async throws {
        try await inner.didFinish(outcomes)
        routes.finished(outcomes.map(\.messageID))
    }

    private func allowance(_ campaign: String, max: Int) -> (count: Int, nextToken: Date?) {
        guard let rate = throttles[campaign] else { return (max, nil) }
        return lock.withLock {
            let now = clock.now()
            let capacity = Double(Swift.max(rate.burst, 1))
            let last = refilled[campaign] ?? now
            var available = tokens[campaign] ?? capacity
            available = Swift.min(capacity, available + now.timeIntervalSince(last) * rate.perSecond)
            tokens[campaign] = available
            refilled[campaign] = now
            let whole = Int(available)
            if whole >= 1 { return (Swift.min(whole, max), nil) }
            return (0, now.addingTimeInterval((1 - available) / rate.perSecond))
        }
    }

    private func spend(_ campaign: String, _ count: Int) {
        guard throttles[campaign] != nil else { return }
        lock.withLock { tokens[campaign, default: 0] -= Double(count) }
    }
}
