import Foundation
import Logging
import OutreachCore
@testable import OutreachServer
import Synchronization
import Testing

/// A store whose first write waits until the test opens the gate, and that
/// remembers each batch's size.
private final class GatedStore: DeliveryReportStore {
    private let state = Mutex<(batches: [Int], gate: CheckedContinuation<Void, Never>?, open: Bool, started: Bool)>(([], nil, false, false))

    var batches: [Int] { state.withLock { $0.batches } }
    var firstWriteStarted: Bool { state.withLock { $0.started } }

    func open() {
        let gate = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.open = true
            defer { state.gate = nil }
            return state.gate
        }
        gate?.resume()
    }

    func recordDeliveryReports(_ reports: [DeliveryReport]) async throws -> RecordResult {
        await withCheckedContinuation { continuation in
            let wait = state.withLock { state -> Bool in
                state.batches.append(reports.count)
                state.started = true
                guard !state.open else { return false }
                state.gate = continuation
                return true
            }
            if !wait { continuation.resume() }
        }
        return RecordResult(applied: reports.count)
    }

}

@Suite("Delivery reports: one transaction per batch")
struct DeliveryReportBatcherTests {
    static func report(_ i: Int) -> DeliveryReport {
        DeliveryReport(key: .messageID("m\(i)"), status: .delivered, at: Date(timeIntervalSince1970: 0))
    }

    /// Waits (yielding) until `condition` holds.
    static func until(_ condition: () -> Bool) async {
        while !condition() { await Task.yield() }
    }

    @Test("reports arriving while a batch is written go together in the next one, at most batchSize at a time")
    func groupCommit() async throws {
        let store = GatedStore()
        let batcher = DeliveryReportBatcher(store: store, batchSize: 4, logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await batcher.record(Self.report(0)) }
            await Self.until { store.firstWriteStarted }
            for i in 1...10 { group.addTask { try await batcher.record(Self.report(i)) } }
            await Self.until { batcher.waiting == 10 }
            store.open()
            try await group.waitForAll()
        }
        #expect(store.batches == [1, 4, 4, 2])
    }

    @Test("a failed write fails every request of its batch, and the next batch is still written")
    func failure() async throws {
        struct Broken: Error {}
        final class FailingOnce: DeliveryReportStore {
            let calls = Mutex(0)
            func recordDeliveryReports(_ reports: [DeliveryReport]) async throws -> RecordResult {
                let call = calls.withLock { $0 += 1; return $0 }
                if call == 1 { throw Broken() }
                return RecordResult(applied: reports.count)
            }
        }
        let batcher = DeliveryReportBatcher(store: FailingOnce(), batchSize: 10, logger: Logger(label: "test"))
        await #expect(throws: Broken.self) { try await batcher.record(Self.report(0)) }
        try await batcher.record(Self.report(1))
    }
}
