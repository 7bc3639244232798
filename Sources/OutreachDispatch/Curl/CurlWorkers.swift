import Foundation
import Synchronization

/// A thread driving libcurl that is also the executor of the tasks using
/// it: an HTTP engine (`CurlEngine`) or an SMTP session pool.
protocol CurlWorker: TaskExecutor, AnyObject, Sendable {
    /// Whether the caller runs on this worker's thread.
    var isCurrentThread: Bool { get }
    /// Transfers handed to it and not yet answered.
    var load: Int { get }
    /// Transfers it runs at once (more wait in its queue).
    var capacity: Int { get }
}

/// The workers one gateway's connections are spread over, each with its
/// share: for HTTP one thread per core (at most 4, never more than the
/// connections) — libcurl's CPU cost per transfer means one thread cannot
/// keep a fast gateway's connections busy; for SMTP one per
/// session (see `SMTPGateway.pools`).
final class CurlWorkers<Worker: CurlWorker>: Sendable {
    let all: [Worker]
    /// Whose turn it is to take the next task (`next`).
    private let turn = Atomic<Int>(0)

    init(_ workers: [Worker]) {
        precondition(!workers.isEmpty, "at least one worker")
        all = workers
    }

    /// Each worker's share of `connections`, together exactly `connections`:
    /// `threads` of them, by default one per core, at most 4, never more
    /// than the connections.
    static func shares(of connections: Int, threads: Int? = nil) -> [Int] {
        let total = max(1, connections)
        let count = max(1, min(threads ?? min(4, ProcessInfo.processInfo.activeProcessorCount), total))
        return (0..<count).map { total / count + ($0 < total % count ? 1 : 0) }
    }

    /// The executor for a task that will make transfers: the workers take
    /// turns, so tasks started together spread over all of them.
    var next: Worker {
        all.count == 1 ? all[0] : all[turn.wrappingAdd(1, ordering: .relaxed).oldValue % all.count]
    }

    /// Where a caller's transfer goes: the worker whose thread it runs on
    /// (nothing to wake) unless it is full while another has room; else
    /// the least busy one — the first on a tie, so transfers made one after
    /// another share one connection.
    var forCaller: Worker {
        if all.count == 1 { return all[0] }
        if let current = all.first(where: \.isCurrentThread) {
            guard current.load >= current.capacity,
                  let free = all.first(where: { $0 !== current && $0.load < $0.capacity }) else { return current }
            return free
        }
        var best = all[0]
        var fewest = best.load
        for candidate in all.dropFirst() {
            let load = candidate.load
            if load < fewest {
                best = candidate
                fewest = load
            }
        }
        return best
    }
}
