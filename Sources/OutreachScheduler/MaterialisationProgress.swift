import Foundation
import Synchronization

/// Lets the ledger source send while a tick is still materialising: each
/// committed batch of new entries is announced, and a source that finds
/// nothing to claim waits for the next one instead of reporting the end —
/// until materialising is over.
final class MaterialisationProgress: Sendable {
    private struct State {
        var generation = 0
        var finished = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }
    private let state = Mutex(State())

    /// The current state: a generation number to wait past, or nil once finished.
    var current: Int? {
        state.withLock { $0.finished ? nil : $0.generation }
    }

    /// New entries were committed.
    func committed() {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.generation += 1
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in woken { waiter.resume() }
    }

    /// Nothing more will be materialised in this tick (or nobody should wait any more).
    func finish() {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.finished = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in woken { waiter.resume() }
    }

    /// Returns once a batch after `seen` is committed or materialising is over.
    func wait(after seen: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if state.finished || state.generation != seen { return true }
                state.waiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }
}
