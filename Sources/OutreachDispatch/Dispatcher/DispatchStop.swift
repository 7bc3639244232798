import Synchronization

/// Asks a running `Dispatcher.run` to stop gracefully: no new attempt and
/// no retry leaves after `request()`, attempts already in flight finish and
/// are reported, and the run returns with the messages that never left
/// listed in `DispatchSummary.unfinishedMessageIDs` (a ledger queues them
/// again). Unlike cancelling the run's task, nothing in flight is cut off.
public final class DispatchStop: Sendable {
    private struct State {
        var requested = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }
    private let state = Mutex(State())

    public init() {}

    public var isRequested: Bool { state.withLock { $0.requested } }

    public func request() {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            guard !s.requested else { return [] }
            s.requested = true
            defer { s.waiters.removeAll() }
            return s.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once a stop is requested, or when the calling task is cancelled.
    func wait() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { s -> Bool in
                    if s.requested || Task.isCancelled { return true }
                    s.waiters.append(continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            // Cancellation ends the wait without asking for a stop.
            let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
                defer { s.waiters.removeAll() }
                return s.waiters
            }
            for waiter in waiters { waiter.resume() }
        }
    }
}
