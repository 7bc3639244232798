import Foundation
import Glibc
import Testing

/// Two `outreach run`s on one ledger (a cron job overlapping a slow run)
/// must not both send: the second refuses at once and sends nothing.
@Suite("One outreach run per ledger")
struct SendLockTests {
    let at = "2026-11-29T06:00:00Z"

    @Test("a second run on the same ledger exits with a clear message and sends nothing; after the first stops, runs go on")
    func overlappingRuns() async throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try CLIRunner.run(["launch", "vaccination_round", "--today", "2026-11-29", "--at", at, "--yes"], in: dir).status == 0)
        let first = Process()
        first.executableURL = CLIRunner.executable
        first.arguments = ["run", "--live", "--at", at]
        first.currentDirectoryURL = dir
        first.standardOutput = FileHandle.nullDevice
        first.standardError = FileHandle.nullDevice
        try first.run()
        defer { if first.isRunning { kill(first.processIdentifier, SIGKILL) } }
        // Ready when the lock file names the first run's process.
        let lockFile = dir.appendingPathComponent(".outreach/ledger.sqlite.lock")
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let holder = (try? String(contentsOf: lockFile, encoding: .utf8))?.split(separator: "\n").first
            if holder == "\(first.processIdentifier)"[...] { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        let outbox = dir.appendingPathComponent("out/outbox.jsonl")
        let second = try CLIRunner.run(["run", "--live", "--once", "--at", at], in: dir)
        #expect(second.status == 1)
        #expect(second.stderr.contains("another outreach run (process \(first.processIdentifier)) is sending from the ledger"), "\(second.stderr)")

        kill(first.processIdentifier, SIGTERM)
        first.waitUntilExit()
        #expect(first.terminationStatus == 0)
        let third = try CLIRunner.run(["run", "--live", "--once", "--at", at], in: dir)
        #expect(third.status == 0, "\(third.stderr)")
        let ids = ((try? String(contentsOf: outbox, encoding: .utf8)) ?? "").split(separator: "\n").map {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["id"] as? String ?? ""
        }
        #expect(Set(ids).count == ids.count)     // nobody twice
    }
}
