import Foundation
import Testing
import OutreachCore
import OutreachStore

/// Process CPU time (user + system), a steadier figure than wall time on a shared machine.
private func cpuSeconds() -> Double {
    Double(clock()) / Double(CLOCKS_PER_SEC)
}

/// A measurement, not an assertion: materialise N entries, then claim and
/// record them in batches, as the scheduler and dispatcher would. Off unless
/// `OUTREACH_LEDGER_BENCH=N` is set; run it on a release build:
///
///     OUTREACH_LEDGER_BENCH=1000000 /usr/bin/time -v swift test -c release --filter LedgerThroughput
@Suite("SQLite ledger throughput (measurement)")
struct LedgerThroughputTests {
    static let size = ProcessInfo.processInfo.environment["OUTREACH_LEDGER_BENCH"].flatMap { Int($0) }

    @Test("materialise N, then claim + record in batches", .enabled(if: size != nil))
    func throughput() async throws {
        let n = Self.size ?? 0
        let materialiseBatch = 10_000, claimBatch = 1_000
        try await withLedger { ledger, temporary in
            // 1 % of the addresses are on the suppression list.
            _ = try await ledger.addOptOuts(stride(from: 0, to: n, by: 100).map {
                OptOut(address: phone($0), channel: .sms, source: "bench", createdAt: t0)
            })
            let clock = ContinuousClock()
            let text = "{salutation} تذكير: يحين موعد تطعيم طفلك يوم الأحد ١٤ صفر ١٤٤٩هـ. احرصي على زيارة أقرب مركز صحي. وزارة الصحة"
            var start = clock.now
            var cpuStart = cpuSeconds()
            var inserted = 0
            for base in stride(from: 0, to: n, by: materialiseBatch) {
                let batch = (base..<min(base + materialiseBatch, n)).map { i in
                    LedgerEntry(campaign: "vaccination_round", occurrence: "2027-08-20T06:00:00Z", recipientID: String(1_000_000_000 + i),
                                segment: i % 2 == 0 ? "mothers" : "fathers", address: phone(i), channel: .sms, parts: 2,
                                dueAt: t0, payload: .init(sender: "MOH", text: text, language: "ar"), key: .none)
                }
                inserted += try await ledger.materialise(batch, at: t0).inserted
            }
            let materialised = clock.now - start
            let materialiseCPU = cpuSeconds() - cpuStart
            try await ledger.setCampaignState("vaccination_round", to: .launched, at: t0)

            start = clock.now
            cpuStart = cpuSeconds()
            var claimTime = Duration.zero, recordTime = Duration.zero
            var sent = 0
            while true {
                let c0 = clock.now
                let claimed = try await ledger.claim(ClaimRequest(limit: claimBatch, now: at(1)))
                claimTime += clock.now - c0
                if claimed.isEmpty { break }
                let r0 = clock.now
                _ = try await ledger.record(claimed.map {
                    DeliveryOutcome(messageID: $0.messageID, kind: .accepted, providerMessageID: "p\($0.recipientID)", status: 202, detail: "Accepted")
                }, at: at(2))
                recordTime += clock.now - r0
                sent += claimed.count
            }
            let sending = clock.now - start
            let sendingCPU = cpuSeconds() - cpuStart
            let counts = try await ledger.counts(campaign: "vaccination_round")
            #expect(counts.targeted == n)
            #expect(counts.count(.accepted) == sent)

            func rate(_ rows: Int, _ d: Duration) -> String {
                let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
                return "\(Int(Double(rows) / seconds)) rows/s (\(String(format: "%.2f", seconds)) s)"
            }
            let bytes = (try? FileManager.default.attributesOfItem(atPath: temporary.path)[.size] as? Int) ?? 0
            print("""
                ledger bench: \(n) entries, \(n / 100) opt-outs
                  materialise (batches of \(materialiseBatch)): \(rate(inserted, materialised)); \(Int(Double(inserted) / materialiseCPU)) rows per CPU second
                  claim (batches of \(claimBatch)):           \(rate(sent, claimTime))
                  record outcomes (batches of \(claimBatch)): \(rate(sent, recordTime))
                  claim + record end to end:       \(rate(sent, sending)); \(Int(Double(sent) / sendingCPU)) rows per CPU second
                  skipped opted out: \(counts.skipped(.optedOut)); database: \(bytes / 1_048_576) MiB
                """)
        }
    }
}
