import Foundation
public import OutreachCore
import Synchronization

/// The ledger as the dispatcher's source, one campaign at a time in turn,
/// each held to its `throttle` (a smooth token bucket on the scheduler's
/// clock), and stopping cleanly: once `stop()` is called no more messages
/// are claimed, so a graceful shutdown only waits for what is in flight.
///
/// The ledger work stays off the dispatcher's path: the next batch is
/// claimed while the current one is sent (unthrottled campaigns), first
/// attempts are recorded ahead and outcomes written behind (see
/// `LedgerWriteBehind`). Call `finish()` after the dispatcher's run.
public final class ThrottledLedgerSource: MessageSource, OutcomeSink, Sendable {
    private let store: any LedgerStore
    private let base: ClaimRequest
    private let clock: any SchedulerClock
    private let throttles: [String: RateLimit]
    private let campaigns: [String]
    /// Everything that changes, behind one lock.
    private struct State {
        var stopped = false
        var tokens: [String: Double] = [:]
        var refilled: [String: Date] = [:]
        var turn = 0
        /// The next batch, claimed while the current one is sent.
        var prefetched: Task<Claimed, any Error>?
        /// Messages still to hand out when a total limit is set.
        var remaining: Int?
    }
    private let state = Mutex(State())
    private let writeBehind: LedgerWriteBehind
    private let progress: MaterialisationProgress?

    /// `request.campaigns` lists the launched campaigns; each is claimed separately.
    private let routes: ClaimRoutes

    /// With `limit`, at most that many messages are handed out in all (`send --limit`); the rest stay queued.
    public convenience init(store: any LedgerStore, request: ClaimRequest, clock: any SchedulerClock, throttles: [String: RateLimit],
                            routes: ClaimRoutes = ClaimRoutes(), limit: Int? = nil) {
        self.init(store: store, request: request, clock: clock, throttles: throttles, routes: routes, progress: nil)
        state.withLock { $0.remaining = limit }
    }

    /// With `progress`, finding nothing to claim while a tick is still
    /// materialising means waiting for its next batch, not the end.
    init(store: any LedgerStore, request: ClaimRequest, clock: any SchedulerClock, throttles: [String: RateLimit],
         routes: ClaimRoutes, progress: MaterialisationProgress?) {
        self.progress = progress
        self.store = store
        self.routes = routes
        self.base = request
        self.clock = clock
        self.throttles = throttles
        self.campaigns = (request.campaigns ?? []).sorted()
        self.writeBehind = LedgerWriteBehind(store: store, clock: clock)
    }

    public func stop() {
        state.withLock { $0.stopped = true }
        progress?.finish()
    }

    public var isStopped: Bool { state.withLock { $0.stopped } }

    public func next(max wanted: Int) async throws -> [OutboundMessage] {
        let max = state.withLock { $0.remaining.map { Swift.min($0, wanted) } ?? wanted }
        guard max > 0 else { return [] }
        if let ahead = state.withLock({ state -> Task<Claimed, any Error>? in
            defer { state.prefetched = nil }
            return state.prefetched
        }) {
            let claimed = try await ahead.value
            if isStopped {
                try await release(claimed.messages)
                return []
            }
            return handOut(claimed, max: max)
        }
        return handOut(try await claimRound(max: max), max: max)
    }

    /// After the dispatcher's run (however it ended): releases a batch
    /// claimed ahead and never handed out, and waits until every outcome
    /// handed over is in the ledger.
    public func finish() async throws {
        if let ahead = state.withLock({ state -> Task<Claimed, any Error>? in
            defer { state.prefetched = nil }
            return state.prefetched
        }), let claimed = try? await ahead.value {
            try await release(claimed.messages)
        }
        try await writeBehind.drain()
    }

    /// Hands a claimed batch to the dispatcher and, unless a throttle meters
    /// the claims, claims the next one while this one is sent.
    private func handOut(_ claimed: Claimed, max: Int) -> [OutboundMessage] {
        let messages = claimed.messages
        guard !messages.isEmpty else { return messages }
        writeBehind.claimed(messages.map(\.id), attempted: claimed.attempted)
        let throttled = !throttles.isEmpty
        state.withLock { state in
            if let left = state.remaining { state.remaining = left - messages.count }
            // Claimed ahead only when nothing meters the claims (a throttle, or a total limit).
            if !throttled && state.remaining == nil && !state.stopped { state.prefetched = Task { try await self.claimRound(max: max) } }
        }
        return messages
    }

    /// Queues again messages the dispatcher took and never sent (a stop, or a gateway that stayed down).
    public func releaseUnsent(_ messageIDs: [String]) async throws {
        guard !messageIDs.isEmpty else { return }
        _ = try await store.release(messageIDs, at: clock.now())
        routes.finished(messageIDs)
    }

    private func release(_ messages: [OutboundMessage]) async throws {
        try await releaseUnsent(messages.map(\.id))
    }

    /// A claimed batch, and whether the claim recorded it as attempted.
    private struct Claimed: Sendable {
        var messages: [OutboundMessage]
        var attempted = false
    }

    /// One claim, campaign by campaign in turn, each within its throttle.
    private func claimRound(max: Int) async throws -> Claimed {
        while !isStopped {
            let seen = progress?.current
            var throttledWaiting: Date?
            for k in 0..<campaigns.count {
                let campaign = campaigns[(state.withLock { $0.turn } + k) % campaigns.count]
                let allowance = allowance(campaign, max: max)
                if allowance.count == 0 {
                    if let at = allowance.nextToken { throttledWaiting = min(throttledWaiting ?? at, at) }
                    continue
                }
                var request = base
                request.campaigns = [campaign]
                request.markAttempted = writeBehind.marksAtClaim(batch: allowance.count)
                let source = LedgerMessageSource(store: store, request: request, clock: { [clock] in clock.now() })
                let messages = try await source.next(max: allowance.count)
                if !messages.isEmpty {
                    routes.claimed(messages.map(\.id), campaign: campaign)
                    spend(campaign, messages.count)
                    let count = campaigns.count
                    state.withLock { $0.turn = ($0.turn + k + 1) % count }
                    return Claimed(messages: messages, attempted: request.markAttempted)
                }
            }
            // Nothing claimable now: done, unless a throttled campaign only waits for
            // tokens or more entries are being materialised.
            if let wake = throttledWaiting {
                try await clock.sleep(until: wake)
            } else if let seen, let progress {
                await progress.wait(after: seen)
            } else {
                return Claimed(messages: [])
            }
        }
        return Claimed(messages: [])
    }

    public func willSend(_ messages: [OutboundMessage]) async throws {}

    /// Returns once the messages are recorded as attempted (usually at once:
    /// they were marked ahead, see `LedgerWriteBehind`).
    public func willAttempt(_ messageIDs: [String]) async throws {
        try await writeBehind.willAttempt(messageIDs)
    }

    /// Hands the outcomes to the ledger's writer; `finish()` waits for it.
    public func didFinish(_ outcomes: [DeliveryOutcome]) async throws {
        try await writeBehind.didFinish(outcomes)
        routes.finished(outcomes.map(\.messageID))
    }

    private func allowance(_ campaign: String, max: Int) -> (count: Int, nextToken: Date?) {
        guard let rate = throttles[campaign] else { return (max, nil) }
        let clock = self.clock
        return state.withLock { state in
            let now = clock.now()
            let capacity = Double(Swift.max(rate.burst, 1))
            let last = state.refilled[campaign] ?? now
            var available = state.tokens[campaign] ?? capacity
            available = Swift.min(capacity, available + now.timeIntervalSince(last) * rate.perSecond)
            state.tokens[campaign] = available
            state.refilled[campaign] = now
            let whole = Int(available)
            if whole >= 1 { return (Swift.min(whole, max), nil) }
            return (0, now.addingTimeInterval((1 - available) / rate.perSecond))
        }
    }

    private func spend(_ campaign: String, _ count: Int) {
        guard throttles[campaign] != nil else { return }
        state.withLock { $0.tokens[campaign, default: 0] -= Double(count) }
    }
}
