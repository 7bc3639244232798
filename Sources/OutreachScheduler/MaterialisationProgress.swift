import Foundation

/// Lets the ledger source send while a tick is still materialising: each
/// committed batch of new entries is announced, and a source that finds
/// nothing to claim waits for the next one instead of reporting the end —
/// until materialising is over.
final class MaterialisationProgress: @unchecked Sendable {
    private let lock = NSLock()
    private var generation = 0
    private var finished = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// The current state: a generation number to wait past, or nil once finished.
    var current: Int? {
        lock.withLock { finished ? nil : generation }
    }

    /// New entries were committed.
    func committed() {
        let woken = lock.withLock { () -> [CheckedContinuation<Void, Never>] in
            generation += 1
            defer { waiters.removeAll() }
            return waiters
        }
        for waiter in woken { waiter.resume() }
    }

    /// Nothing more will be materialised in this tick (or nobody should wait any more).
    func finish() {
        let woken = lock.withLock { () -> [CheckedContinuation<Void, Never>] in
            finished = true
            defer { waiters.removeAll() }
            return waiters
        }
        for waiter in woken { waiter.resume() }
    }

    /// Returns once a batch after `seen` is committed or materialising is over.
    func wait(after seen: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = lock.withLock { () -> Bool in
                if finished || generation != seen { return true }
                waiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }
}
