import Foundation
import Testing
import OutreachCore
@testable import OutreachScheduler
import OutreachStore
import GRDB

/// The ledger work kept off the dispatcher's path: attempts marked ahead,
/// outcomes written behind, the next batch claimed ahead, and a source that
/// waits for entries still being materialised.
@Suite("Ledger pipeline: write-behind, mark-ahead, claim-ahead")
struct LedgerPipelineTests {
    static let t0 = Date(timeIntervalSince1970: 1_818_770_400)

    static func withStore(_ body: (SQLiteLedger) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("outreach-pipeline-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        // No message-id key: these tests make their entries' ids themselves.
        try await body(try SQLiteLedger(path: folder.appendingPathComponent("ledger.sqlite").path, newKey: MessageIDKey.none))
    }

    static func entries(_ n: Int, from start: Int = 0) -> [LedgerEntry] {
        (start..<(start + n)).map { i in
            LedgerEntry(campaign: "c", occurrence: "o1", recipientID: "r\(i)", address: "+9665\(10_000_000 + i)",
                        channel: .sms, dueAt: t0, payload: .init(sender: "MOH", text: "رسالة \(i)", language: "ar"), key: .none)
        }
    }

    static func request() -> ClaimRequest {
        ClaimRequest(limit: 0, now: t0, campaigns: ["c"])
    }

    /// A claim that records its batch as attempted.
    static func markingRequest(limit: Int) -> ClaimRequest {
        var request = ClaimRequest(limit: limit, now: t0)
        request.markAttempted = true
        return request
    }

    @Test("willAttempt returns once every named message is recorded as attempted; didFinish's outcomes are all in after finish()")
    func writeBehind() async throws {
        try await Self.withStore { ledger in
            _ = try await ledger.materialise(Self.entries(300), at: Self.t0)
            try await ledger.setCampaignState("c", to: .launched, at: Self.t0)
            let clock = ManualClockForPipeline(Self.t0)
            let source = ThrottledLedgerSource(store: ledger, request: Self.request(), clock: clock, throttles: [:])
            var sent: [OutboundMessage] = []
            while true {
                let batch = try await source.next(max: 64)
                if batch.isEmpty { break }
                for round in stride(from: 0, to: batch.count, by: 8) {
                    let ids = batch[round..<min(round + 8, batch.count)].map(\.id)
                    try await source.willAttempt(ids)
                    // Recorded before the attempt would leave.
                    for id in ids { #expect(try await ledger.entry(messageID: id)?.state == .sending) }
                    try await source.didFinish(ids.map { DeliveryOutcome(messageID: $0, kind: .accepted, status: 202, detail: "ok") })
                }
                sent += batch
            }
            try await source.finish()
            #expect(sent.count == 300)
            #expect(Set(sent.map(\.id)).count == 300)
            let counts = try await ledger.counts(campaign: "c")
            #expect(counts.count(.accepted) == 300)
            #expect(counts.count(.sending) == 0 && counts.count(.queued) == 0)
        }
    }

    @Test("announced attempts are marked before willAttempt returns; marked ahead are bounded; after a crash the rest are queued again")
    func markAhead() async throws {
        try await Self.withStore { ledger in
            _ = try await ledger.materialise(Self.entries(4_000), at: Self.t0)
            try await ledger.setCampaignState("c", to: .launched, at: Self.t0)
            let sink = LedgerWriteBehind(store: ledger, clock: ManualClockForPipeline(Self.t0))
            let claimed = try await ledger.claim(ClaimRequest(limit: 4_000, now: Self.t0))
            sink.claimed(claimed.map(\.messageID))
            // Announce a few thousand a second for a while (the rate is measured over ≥ 50 ms windows).
            var next = 0
            let start = ContinuousClock.now
            while ContinuousClock.now - start < .milliseconds(300), next + 16 <= 1_000 {
                try await sink.willAttempt(claimed[next..<next + 16].map(\.messageID))
                next += 16
                try await Task.sleep(for: .milliseconds(2))
            }
            try await sink.drain()
            // Every announced message is marked; some beyond them are too, never more than the cap.
            let recovered = try await ledger.recoverInterrupted(at: Self.t0)
            #expect(recovered >= next)
            #expect(recovered <= next + LedgerWriteBehind.maxAhead + 16)
            let counts = try await ledger.counts(campaign: "c")
            #expect(counts.count(.uncertain) == recovered)
            #expect(counts.count(.queued) == 4_000 - recovered)
        }
    }

    @Test("a claim that records its batch as attempted leaves it in doubt after a crash; a plain claim's go back to the queue")
    func claimMarksAttempted() async throws {
        try await Self.withStore { ledger in
            _ = try await ledger.materialise(Self.entries(30), at: Self.t0)
            try await ledger.setCampaignState("c", to: .launched, at: Self.t0)
            let marked = try await ledger.claim(Self.markingRequest(limit: 10))
            let plain = try await ledger.claim(ClaimRequest(limit: 10, now: Self.t0))
            #expect(marked.count == 10 && plain.count == 10)
            #expect(try await ledger.recoverInterrupted(at: Self.t0) == 10)
            for entry in marked { #expect(try await ledger.entry(messageID: entry.messageID)?.state == .uncertain) }
            for entry in plain { #expect(try await ledger.entry(messageID: entry.messageID)?.state == .queued) }
        }
    }

    @Test("only at a high attempt rate may a claim record its batch as attempted")
    func marksAtClaimOnlyWhenFast() {
        // Two batches (the one handed out and the one claimed ahead) within 25 ms of traffic.
        #expect(!LedgerWriteBehind.marksAtClaim(batch: 256, rate: 0))
        #expect(!LedgerWriteBehind.marksAtClaim(batch: 256, rate: 1_500))     // below 2,000/s nothing is marked ahead
        #expect(!LedgerWriteBehind.marksAtClaim(batch: 256, rate: 20_000))    // 500 < 512
        #expect(LedgerWriteBehind.marksAtClaim(batch: 256, rate: 20_480))
        #expect(LedgerWriteBehind.marksAtClaim(batch: 32, rate: 3_000))
        #expect(!LedgerWriteBehind.marksAtClaim(batch: 1_024, rate: 1_000_000))   // at most 1,024 ahead
        #expect(!LedgerWriteBehind.marksAtClaim(batch: 0, rate: 1_000_000))
    }

    @Test("a batch the claim recorded as attempted: willAttempt writes nothing for it")
    func claimMarkedNotWrittenAgain() async throws {
        try await Self.withStore { ledger in
            _ = try await ledger.materialise(Self.entries(100), at: Self.t0)
            try await ledger.setCampaignState("c", to: .launched, at: Self.t0)
            let sink = LedgerWriteBehind(store: ledger, clock: ManualClockForPipeline(Self.t0))
            let batch = try await ledger.claim(Self.markingRequest(limit: 32)).map(\.messageID)
            #expect(batch.count == 32)
            sink.claimed(batch, attempted: true)
            // Forget the claim's mark behind the sink's back: a write by willAttempt would set it again.
            try await DatabaseQueue(path: ledger.path).write { db in
                for id in batch { try db.execute(sql: "UPDATE ledger SET attempted_at = NULL WHERE message_id = ?", arguments: [id]) }
            }
            try await sink.willAttempt(batch)
            try await sink.drain()
            _ = try await ledger.recoverInterrupted(at: Self.t0)
            for id in batch { #expect(try await ledger.entry(messageID: id)?.state == .queued) }
        }
    }

    @Test("while materialising, a source with nothing to claim waits for the next batch instead of ending")
    func waitsForMaterialisation() async throws {
        try await Self.withStore { ledger in
            try await ledger.setCampaignState("c", to: .launched, at: Self.t0)
            let progress = MaterialisationProgress()
            let source = ThrottledLedgerSource(store: ledger, request: Self.request(), clock: ManualClockForPipeline(Self.t0),
                                               throttles: [:], routes: ClaimRoutes(), progress: progress)
            let first = Task { try await source.next(max: 50) }
            try await Task.sleep(for: .milliseconds(100))
            _ = try await ledger.materialise(Self.entries(30), at: Self.t0)
            progress.committed()
            #expect(try await first.value.count == 30)
            let second = Task { try await source.next(max: 50) }
            try await Task.sleep(for: .milliseconds(100))
            _ = try await ledger.materialise(Self.entries(20, from: 30), at: Self.t0)
            progress.committed()
            progress.finish()
            #expect(try await second.value.count == 20)
            #expect(try await source.next(max: 50).isEmpty)
            try await source.finish()
        }
    }

    @Test("a batch claimed ahead and never handed out is released by finish()")
    func claimAheadReleased() async throws {
        try await Self.withStore { ledger in
            _ = try await ledger.materialise(Self.entries(100), at: Self.t0)
            try await ledger.setCampaignState("c", to: .launched, at: Self.t0)
            let source = ThrottledLedgerSource(store: ledger, request: Self.request(), clock: ManualClockForPipeline(Self.t0),
                                               throttles: [:])
            let batch = try await source.next(max: 40)
            #expect(batch.count == 40)
            source.stop()
            try await source.finish()
            let counts = try await ledger.counts(campaign: "c")
            #expect(counts.count(.sending) == 40)      // handed out: the dispatcher's to finish
            #expect(counts.count(.queued) == 60)       // claimed ahead, then released
        }
    }
}

final class ManualClockForPipeline: SchedulerClock, @unchecked Sendable {
    private let instant: Date
    init(_ instant: Date) { self.instant = instant }
    func now() -> Date { instant }
    func sleep(until instant: Date) async throws {}
}
