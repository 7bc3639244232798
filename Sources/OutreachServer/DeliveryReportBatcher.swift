import Logging
import OutreachCore
import Synchronization

/// Queues delivery reports from concurrent requests and writes them in one
/// transaction per batch (group commit): while one batch is being written the
/// next one gathers, so under load a transaction carries up to `batchSize`
/// reports and when idle a report is written at once. `record` returns only
/// after the batch holding its report is committed, so a 200 means recorded.
final class DeliveryReportBatcher: Sendable {
    private struct Waiting {
        let report: DeliveryReport
        let continuation: CheckedContinuation<Void, any Error>
    }
    private struct State {
        var queue: [Waiting] = []
        var writing = false
    }

    private let store: any DeliveryReportStore
    private let batchSize: Int
    private let logger: Logger
    private let state = Mutex(State())

    init(store: any DeliveryReportStore, batchSize: Int, logger: Logger) {
        self.store = store
        self.batchSize = max(1, batchSize)
        self.logger = logger
    }

    /// Reports waiting for a batch (not counting the one being written).
    var waiting: Int { state.withLock { $0.queue.count } }

    func record(_ report: DeliveryReport) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let start = state.withLock { state in
                state.queue.append(Waiting(report: report, continuation: continuation))
                if state.writing { return false }
                state.writing = true
                return true
            }
            if start { Task { await self.drain() } }
        }
    }

    private func drain() async {
        while true {
            let batch: [Waiting]? = state.withLock { state in
                guard !state.queue.isEmpty else {
                    state.writing = false
                    return nil
                }
                let batch = Array(state.queue.prefix(batchSize))
                state.queue.removeFirst(batch.count)
                return batch
            }
            guard let batch else { return }
            do {
                let result = try await store.recordDeliveryReports(batch.map(\.report))
                logger.debug("delivery reports recorded", metadata: [
                    "reports": "\(batch.count)", "applied": "\(result.applied)",
                    "deferred": "\(result.deferred)", "ignored": "\(result.ignored)"])
                for waiting in batch { waiting.continuation.resume() }
            } catch {
                logger.error("delivery reports not recorded", metadata: ["reports": "\(batch.count)", "error": "\(error)"])
                for waiting in batch { waiting.continuation.resume(throwing: error) }
            }
        }
    }
}
