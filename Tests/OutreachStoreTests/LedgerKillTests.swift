import Foundation
import Testing
import OutreachCore
import OutreachStore

/// The ledger under `kill -9`: a child process (this test binary, re-run on
/// the `child` test below) claims, "sends" by appending ids to an outbox
/// file, and records, while the parent kills it at random moments, recovers,
/// settles uncertain entries with `on_uncertain: skip`, and starts it again.
@Suite("SQLite ledger: kill -9 mid-send, repeatedly")
struct LedgerKillTests {
    static let environment = ProcessInfo.processInfo.environment
    static let total = 20_000

    @Test("after every kill: nothing lost, nothing sent twice, only in-flight messages in doubt")
    func killRepeatedly() async throws {
        let temporary = try TemporaryLedger()
        defer { temporary.remove() }
        let outbox = temporary.folder.appendingPathComponent("outbox.txt")
        do {
            let ledger = try temporary.open()
            _ = try await ledger.materialise(entries(Self.total), at: t0)
            try await ledger.setCampaignState("vaccination_round", to: .launched, at: t0)
        }
        FileManager.default.createFile(atPath: outbox.path, contents: nil)
        var kills = 0, runs = 0, inDoubt = 0
        var generator = SystemRandomNumberGenerator()
        while runs < 60 {
            runs += 1
            let child = try Self.startChild(ledger: temporary.path, outbox: outbox.path)
            try await Task.sleep(for: .milliseconds(Int.random(in: 100...400, using: &generator)))
            if child.isRunning {
                kill(child.processIdentifier, SIGKILL)
                kills += 1
            }
            child.waitUntilExit()
            let ledger = try temporary.open()
            let recovered = try await ledger.recoverInterrupted(at: at(Double(runs)))
            // Only one claimed batch can be in flight at a kill.
            #expect(recovered <= 50)
            inDoubt += try await ledger.resolveUncertain(campaign: "vaccination_round", policy: .skip, at: at(Double(runs)))
            let counts = try await ledger.counts(campaign: "vaccination_round")
            #expect(counts.targeted == Self.total)
            #expect(counts.count(.sending) == 0 && counts.count(.uncertain) == 0)
            if counts.count(.queued) == 0 { break }
        }
        let ledger = try temporary.open()
        let counts = try await ledger.counts(campaign: "vaccination_round")
        let accepted = try await ledger.entries(campaign: "vaccination_round", state: .accepted, limit: Self.total).map(\.messageID)
        let sentLines = try String(contentsOf: outbox, encoding: .utf8).split(separator: "\n").map(String.init)
        let sent = sentLines.filter { $0.count == 33 }
        // Nothing lost: every entry was sent and recorded, or was in flight at a kill and is recorded as in doubt.
        #expect(counts.count(.accepted) + counts.skipped(.inDoubt) == Self.total)
        #expect(counts.skipped(.inDoubt) == inDoubt)
        // Nothing sent twice, and everything recorded as accepted really left.
        #expect(Set(sent).count == sent.count, "an id reached the outbox twice")
        #expect(Set(accepted).isSubset(of: Set(sent)))
        // Only in-doubt entries may have left without being recorded.
        #expect(sent.count - accepted.count <= inDoubt)
        #expect(kills >= 1, "the child was never killed mid-run")
        print("kill -9 test: \(runs) runs, \(kills) kills, \(accepted.count) accepted, \(inDoubt) in doubt, \(sent.count) in the outbox")
    }

    /// The child's work: claim 50, append their ids to the outbox ("send"), record; until nothing is left.
    @Test("child process (run by killRepeatedly)", .enabled(if: environment["OUTREACH_LEDGER_KILL_CHILD"] != nil))
    func child() async throws {
        let ledger = try SQLiteLedger(path: Self.environment["OUTREACH_LEDGER_KILL_CHILD"]!)
        let outbox = try #require(FileHandle(forWritingAtPath: Self.environment["OUTREACH_LEDGER_OUTBOX"]!))
        try outbox.seekToEnd()
        while true {
            let claimed = try await ledger.claim(ClaimRequest(limit: 50, now: at(1)))
            if claimed.isEmpty { return }
            try await ledger.markAttempted(claimed.map(\.messageID), at: at(1))   // before anything leaves
            for entry in claimed { try outbox.write(contentsOf: Data((entry.messageID + "\n").utf8)) }
            try await Task.sleep(for: .milliseconds(2))  // the gateway's round trip
            _ = try await ledger.record(accepted(claimed), at: at(2))
        }
    }

    static func startChild(ledger: String, outbox: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = ["--testing-library", "swift-testing", "--filter", "LedgerKillTests/child"]
        var environment = ProcessInfo.processInfo.environment
        environment["OUTREACH_LEDGER_KILL_CHILD"] = ledger
        environment["OUTREACH_LEDGER_OUTBOX"] = outbox
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }
}
