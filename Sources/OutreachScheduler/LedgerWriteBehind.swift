import Foundation
import OutreachCore
import Synchronization

/// The ledger's side of the dispatcher's sink calls, kept off the
/// dispatcher's path so that its loop never waits for a ledger transaction
/// it does not have to wait for:
///
/// - **First attempts** must be in the ledger before they leave, so
///   `willAttempt` returns only once the messages it names are recorded as
///   attempted — but it records them ahead: each time it writes, it also
///   marks the next messages claimed, about `markAhead` seconds of traffic at
///   the rate attempts have been starting, and it tops that stock up in the
///   background before it runs out. After a crash a message marked ahead but
///   not yet sent is in doubt (as one in flight is), so the stock is kept to
///   a few hundredths of a second of traffic. When a whole claimed batch
///   (and the one before it) is that little traffic, the claim itself
///   records it as attempted (`marksAtClaim`), one transaction fewer.
/// - **Outcomes** are written behind: `didFinish` hands them to one writer
///   task and returns (below `aheadFrom` attempts a second it waits for the
///   write, as the doubt window matters more than the loop there). Until the
///   writer commits them, the messages are `sending` and attempted (in doubt
///   after a crash, as they were while the dispatcher buffered them).
///   `drain()` waits for everything to be written.
final class LedgerWriteBehind: Sendable {
    /// Seconds of traffic recorded as attempted ahead of the dispatcher.
    static let markAhead = 0.025
    /// The rate (attempts a second) from which attempts are marked ahead.
    static let aheadFrom = 2_000.0
    /// The most marked ahead, whatever the rate.
    static let maxAhead = 1_024
    /// Outcomes waiting for the writer beyond which `didFinish` waits too.
    static let maxPendingOutcomes = 16_384

    private let store: any LedgerStore
    private let clock: any SchedulerClock

    /// Everything that changes, behind one lock.
    private struct State {
        // Claimed messages not yet marked as attempted, in claim order (the
        // order the dispatcher starts them in); `queue` may hold ids already
        // marked or finished, which `unmarked` no longer does.
        var queue: [String] = []
        var head = 0
        var unmarked: Set<String> = []
        // Marked ahead, not yet announced by the dispatcher.
        var marked: Set<String> = []
        var refill: Task<Void, Never>?

        // Attempts announced per second, measured over windows of ≥ 50 ms.
        var perSecond = 0.0
        var windowStart = ContinuousClock.now
        var windowCount = 0

        var outcomes: [DeliveryOutcome] = []
        var writer: Task<Void, Never>?
        var failure: (any Error)?

        mutating func countAttempts(_ n: Int) {
            windowCount += n
            let elapsed = ContinuousClock.now - windowStart
            if elapsed >= .milliseconds(50) {
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                perSecond = Double(windowCount) / seconds
                windowCount = 0
                windowStart = ContinuousClock.now
            }
        }

        /// Below `aheadFrom` attempts a second the dispatcher's own announcements
        /// (one transaction per round of its concurrency) cost little: nothing
        /// more is put in doubt.
        func aheadCount() -> Int {
            LedgerWriteBehind.aheadCount(rate: perSecond)
        }

        /// The next `count` claimed messages not yet marked, taken off the queue.
        mutating func takeAhead(_ count: Int) -> [String] {
            var ids: [String] = []
            while ids.count < count, head < queue.count {
                let id = queue[head]
                head += 1
                if unmarked.remove(id) != nil { ids.append(id) }
            }
            if head > 4_096, head * 2 > queue.count {
                queue.removeFirst(head)
                head = 0
            }
            return ids
        }
    }
    private let state = Mutex(State())

    init(store: any LedgerStore, clock: any SchedulerClock) {
        self.store = store
        self.clock = clock
    }

    /// Messages handed to the dispatcher, in order; `attempted`: the claim recorded them as attempted.
    func claimed(_ messageIDs: [String], attempted: Bool = false) {
        state.withLock { state in
            if attempted {
                state.marked.formUnion(messageIDs)
            } else {
                state.queue.append(contentsOf: messageIDs)
                state.unmarked.formUnion(messageIDs)
            }
        }
    }

    /// Whether a claim of `batch` messages may record them as attempted: at the current rate the
    /// dispatcher starts them (and the batch before, which it holds meanwhile) within `markAhead`.
    func marksAtClaim(batch: Int) -> Bool {
        state.withLock { Self.marksAtClaim(batch: batch, rate: $0.perSecond) }
    }

    static func marksAtClaim(batch: Int, rate: Double) -> Bool {
        batch > 0 && aheadCount(rate: rate) >= 2 * batch
    }

    /// Claimed messages that will not be attempted (released).
    func forget(_ messageIDs: [String]) {
        state.withLock { state in
            for id in messageIDs {
                state.unmarked.remove(id)
                state.marked.remove(id)
            }
        }
    }

    /// Returns once every message named is recorded as attempted.
    func willAttempt(_ messageIDs: [String]) async throws {
        try throwIfFailed()
        var (missing, pending) = state.withLock { state -> ([String], Task<Void, Never>?) in
            state.countAttempts(messageIDs.count)
            return (messageIDs.filter { state.marked.remove($0) == nil }, state.refill)
        }
        if !missing.isEmpty, let pending {
            // Some may be in the top-up being written.
            await pending.value
            let before = missing
            missing = state.withLock { state in before.filter { state.marked.remove($0) == nil } }
        }
        if !missing.isEmpty {
            let unannounced = missing
            let ahead = state.withLock { state -> [String] in
                for id in unannounced { state.unmarked.remove(id) }
                return state.takeAhead(state.aheadCount())
            }
            try await store.markAttempted(missing + ahead, at: clock.now())
            state.withLock { $0.marked.formUnion(ahead) }
        }
        topUp()
    }

    /// Queues outcomes for the writer; waits only when it is far behind.
    func didFinish(_ finished: [DeliveryOutcome]) async throws {
        try throwIfFailed()
        let backlog = state.withLock { state -> Task<Void, Never>? in
            for outcome in finished {
                state.unmarked.remove(outcome.messageID)
                state.marked.remove(outcome.messageID)
            }
            state.outcomes.append(contentsOf: finished)
            startWriter(&state)
            // Below `aheadFrom` waiting costs no throughput: keep the window
            // of unrecorded answers (in doubt after a crash) as short as it can be.
            return state.outcomes.count > Self.maxPendingOutcomes || state.perSecond < Self.aheadFrom ? state.writer : nil
        }
        if let backlog { await backlog.value }
        try throwIfFailed()
    }

    /// Waits until every outcome handed over is written and no top-up is
    /// under way; throws the first write failure.
    func drain() async throws {
        while let task = state.withLock({ $0.writer ?? $0.refill }) {
            await task.value
        }
        try throwIfFailed()
    }

    // MARK: Internals

    private func throwIfFailed() throws {
        if let failure = state.withLock({ $0.failure }) { throw failure }
    }

    static func aheadCount(rate: Double) -> Int {
        rate < aheadFrom ? 0 : min(maxAhead, Int(rate * markAhead))
    }

    /// Starts marking the next stock in the background when what is marked
    /// ahead has fallen below half of it.
    private func topUp() {
        state.withLock { state in
            let count = state.aheadCount()
            guard state.refill == nil, state.failure == nil, count > 0, state.marked.count < count / 2 else { return }
            let ids = state.takeAhead(count)
            guard !ids.isEmpty else { return }
            let (store, clock) = (self.store, self.clock)
            state.refill = Task {
                do {
                    try await store.markAttempted(ids, at: clock.now())
                    self.state.withLock { state in
                        state.marked.formUnion(ids)
                        state.refill = nil
                    }
                } catch {
                    self.state.withLock { state in
                        // Not marked: the dispatcher's announcement writes them (or fails the same way).
                        state.unmarked.formUnion(ids)
                        state.failure = state.failure ?? error
                        state.refill = nil
                    }
                }
            }
        }
    }

    /// Under the lock: starts the writer unless it runs or has nothing to write.
    private func startWriter(_ state: inout State) {
        guard state.writer == nil, !state.outcomes.isEmpty else { return }
        let (store, clock) = (self.store, self.clock)
        state.writer = Task {
            while true {
                let batch = self.state.withLock { state -> [DeliveryOutcome] in
                    let batch = state.outcomes
                    state.outcomes.removeAll(keepingCapacity: true)
                    if batch.isEmpty { state.writer = nil }
                    return batch
                }
                if batch.isEmpty { return }
                do {
                    _ = try await store.record(batch, at: clock.now())
                } catch {
                    self.state.withLock { state in
                        state.failure = state.failure ?? error
                        state.writer = nil
                    }
                    return
                }
            }
        }
    }
}
