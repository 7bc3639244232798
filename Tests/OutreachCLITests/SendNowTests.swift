import Foundation
import Glibc
import Testing

/// `send --now` records its occurrence in the project ledger and sends it through the scheduler's claim:
/// the project's rules hold, and a second send of the same occurrence sends nothing new.
@Suite("send --now through the ledger")
struct SendNowTests {
    /// 10:00 in Riyadh: outside the example project's quiet hours (22:00-09:00).
    static let morning = "2026-11-29T07:00:00Z"

    static func report(_ dir: URL, _ campaign: String) throws -> [String: Any] {
        let out = try CLIRunner.run(["report", campaign, "--json"], in: dir)
        #expect(out.status == 0, "\(out.stderr)")
        return try #require(try CLIRunner.json(out) as? [String: Any])
    }

    /// Every targeted person in exactly one figure of `send --json`'s summary.
    static func expectFiguresAddUp(_ report: [String: Any], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let n = { (key: String) in report[key] as? Int ?? -1 }
        #expect(n("targeted") == n("unreachable") + n("renderFailures") + n("optedOut") + n("duplicateAddresses") + n("ready"),
                "\(report)", sourceLocation: sourceLocation)
        let result = try #require(report["result"] as? [String: Any], sourceLocation: sourceLocation)
        let ledger = try #require(report["ledger"] as? [String: Any], sourceLocation: sourceLocation)
        let r = { (key: String) in result[key] as? Int ?? -1 }
        let l = { (key: String) in ledger[key] as? Int ?? -1 }
        let skipped = (ledger["skippedAtSend"] as? [String: Int] ?? [:]).values.reduce(0, +)
        #expect(n("ready") == r("accepted") + r("rejected") + r("failed") + l("alreadySent") + l("waitingForQuietHours")
                + l("queued") + l("inDoubt") + skipped, "\(report)", sourceLocation: sourceLocation)
    }

    @Test("twice: the second send of the same occurrence sends nothing new and says so")
    func twice() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = try CLIRunner.run(["send", "back_to_school", "--now", "--at", Self.morning, "--json"], in: dir)
        #expect(first.status == 0, "\(first.stderr)")
        let one = try #require(try CLIRunner.json(first) as? [String: Any])
        #expect((one["result"] as? [String: Any])?["accepted"] as? Int == 9)
        #expect(one["occurrence"] as? String == "now@2026-11-29")
        #expect(try SendTests.outboxLines(dir).count == 9)
        try Self.expectFiguresAddUp(one)

        let secondJSON = try CLIRunner.run(["send", "back_to_school", "--now", "--at", "2026-11-29T07:30:00Z", "--json"], in: dir)
        let two = try #require(try CLIRunner.json(secondJSON) as? [String: Any])
        #expect((two["ledger"] as? [String: Any])?["alreadySent"] as? Int == 9)
        try Self.expectFiguresAddUp(two)
        let second = try CLIRunner.run(["send", "back_to_school", "--now", "--at", "2026-11-29T08:00:00Z"], in: dir)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("accepted 0"), "\(second.stdout)")
        #expect(second.stdout.contains("already sent: 9"), "\(second.stdout)")
        #expect(try SendTests.outboxLines(dir).count == 9)
        // The report shows the occurrence like a scheduled one: 9 accepted, 1 unreachable, of 10 targeted.
        let total = try #require(try Self.report(dir, "back_to_school")["total"] as? [String: Any])
        #expect(total["accepted"] as? Int == 9 && total["targeted"] as? Int == 10, "\(total)")
    }

    @Test("at 23:00 quiet hours hold the occurrence: nothing sent, the summary says until when; sent after them")
    func quietHours() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        let night = try CLIRunner.run(["send", "back_to_school", "--now", "--at", "2026-11-29T20:00:00Z"], in: dir)
        #expect(night.status == 0, "\(night.stderr)")
        #expect(night.stdout.contains("accepted 0"), "\(night.stdout)")
        #expect(night.stdout.contains("waiting for quiet hours: 9 until 2026-11-30 09:00 Asia/Riyadh"), "\(night.stdout)")
        #expect(night.stdout.contains("outreach send back_to_school --now --occurrence now@2026-11-29"), "\(night.stdout)")
        #expect(try SendTests.outboxLines(dir).isEmpty)
        // Still quiet at 08:59; at 09:30 the same occurrence leaves.
        let early = try CLIRunner.run(["send", "back_to_school", "--now", "--at", "2026-11-30T05:59:00Z", "--occurrence", "now@2026-11-29"], in: dir)
        #expect(early.stdout.contains("waiting for quiet hours: 9"), "\(early.stdout)")
        #expect(try SendTests.outboxLines(dir).isEmpty)
        let morning = try CLIRunner.run(["send", "back_to_school", "--now", "--at", "2026-11-30T06:30:00Z", "--occurrence", "now@2026-11-29"], in: dir)
        #expect(morning.status == 0, "\(morning.stderr)")
        #expect(morning.stdout.contains("accepted 9"), "\(morning.stdout)")
        #expect(try SendTests.outboxLines(dir).count == 9)
    }

    @Test("what an occurrence left queued is not sent days late: the too-late rule holds")
    func tooLate() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        let held = try CLIRunner.run(["send", "back_to_school", "--now", "--at", Self.morning, "--limit", "0"], in: dir)
        #expect(held.stdout.contains("still queued: 9"), "\(held.stdout)")
        // Two days later (more than 12 hours after the quiet night that followed them ended) they are skipped.
        let later = try CLIRunner.run(["send", "back_to_school", "--now", "--at", "2026-12-01T10:00:00Z", "--occurrence", "now@2026-11-29",
                                       "--json"], in: dir)
        let report = try #require(try CLIRunner.json(later) as? [String: Any])
        #expect((report["result"] as? [String: Any])?["accepted"] as? Int == 0)
        #expect((report["ledger"] as? [String: Any])?["skippedAtSend"] as? [String: Int] == ["too late": 9], "\(report)")
        try Self.expectFiguresAddUp(report)
        #expect(try SendTests.outboxLines(dir).isEmpty)
    }

    @Test("a person at the frequency cap is skipped, not sent")
    func frequencyCap() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        // The project caps at 2 messages in 7 days: two occurrences reach everyone, the third nobody.
        for key in ["a", "b"] {
            let out = try CLIRunner.run(["send", "vaccination_round", "--now", "--at", Self.morning, "--occurrence", key], in: dir)
            #expect(out.status == 0 && out.stdout.contains("accepted 5"), "\(out.stdout)\(out.stderr)")
        }
        let third = try CLIRunner.run(["send", "vaccination_round", "--now", "--at", Self.morning, "--occurrence", "c", "--json"], in: dir)
        #expect(third.status == 0, "\(third.stderr)")
        let report = try #require(try CLIRunner.json(third) as? [String: Any])
        #expect((report["result"] as? [String: Any])?["accepted"] as? Int == 0)
        #expect((report["ledger"] as? [String: Any])?["skippedAtSend"] as? [String: Int] == ["frequency cap reached": 5], "\(report)")
        try Self.expectFiguresAddUp(report)
        #expect(try SendTests.outboxLines(dir).count == 10)
    }

    @Test("a cancelled or paused campaign is refused with the reason; nothing is sent", arguments: ["cancel", "pause"])
    func refusedStates(_ verb: String) throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        if verb == "pause" {
            #expect(try CLIRunner.run(["launch", "back_to_school", "--at", Self.morning, "--yes"], in: dir).status == 0)
        }
        let changed = try CLIRunner.run([verb, "back_to_school", "--at", Self.morning], in: dir)
        #expect(changed.status == 0, "\(changed.stdout)\(changed.stderr)")
        let out = try CLIRunner.run(["send", "back_to_school", "--now", "--at", Self.morning], in: dir)
        #expect(out.status == 1)
        #expect(out.stderr.contains(verb == "cancel" ? "is cancelled" : "is paused"), "\(out.stderr)")
        #expect(try SendTests.outboxLines(dir).isEmpty)
    }

    @Test("while outreach run holds the ledger, send --now refuses at once and sends nothing")
    func oneSenderPerLedger() async throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = Process()
        run.executableURL = CLIRunner.executable
        run.arguments = ["run", "--live", "--at", Self.morning]
        run.currentDirectoryURL = dir
        run.standardOutput = FileHandle.nullDevice
        run.standardError = FileHandle.nullDevice
        try run.run()
        defer { if run.isRunning { kill(run.processIdentifier, SIGKILL) } }
        // Ready when the lock file names the run's process.
        let lockFile = dir.appendingPathComponent(".outreach/ledger.sqlite.lock")
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline,
              (try? String(contentsOf: lockFile, encoding: .utf8))?.split(separator: "\n").first != "\(run.processIdentifier)"[...] {
            try await Task.sleep(for: .milliseconds(20))
        }
        let send = try CLIRunner.run(["send", "back_to_school", "--now", "--at", Self.morning], in: dir)
        #expect(send.status == 1)
        #expect(send.stderr.contains("(process \(run.processIdentifier)) is sending from the ledger"), "\(send.stderr)")
        #expect(try SendTests.outboxLines(dir).isEmpty)
        kill(run.processIdentifier, SIGTERM)
        run.waitUntilExit()
        let after = try CLIRunner.run(["send", "back_to_school", "--now", "--at", Self.morning], in: dir)
        #expect(after.status == 0 && after.stdout.contains("accepted 9"), "\(after.stdout)\(after.stderr)")
    }

    @Test("Ctrl-C mid-send: nothing new leaves, what never left stays queued, rc 130; the next send --now sends it")
    func interrupted() async throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A gateway that takes the connection and never answers: attempts stay in flight until their timeout.
        let silent = try SilentListener()
        defer { silent.close() }
        try CLIRunner.write("""
            gateways:
              outbox: {type: file, path: out/outbox.jsonl}
              dead:
                type: kannel
                url: http://127.0.0.1:\(silent.port)/cgi-bin/sendsms
                username: u
                password: ${DEAD_PASSWORD}
                timeout: 2s
                retry: {attempts: 5, backoff: 20s}
            """, to: "gateways.yaml", in: dir)
        try CLIRunner.write("title: now\naudience: mothers\ntemplate: vaccination_reminder\nchannel: sms\ngateway: dead\nsender: MOH\n",
                            to: "campaigns/now.yaml", in: dir)
        setenv("DEAD_PASSWORD", "x", 1)
        let send = Process()
        send.executableURL = CLIRunner.executable
        send.arguments = ["send", "now", "--now", "--at", Self.morning]
        send.currentDirectoryURL = dir
        send.standardOutput = FileHandle.nullDevice
        send.standardError = FileHandle.nullDevice
        try send.run()
        #expect(silent.waitForConnection(seconds: 30), "no attempt reached the gateway")
        kill(send.processIdentifier, SIGINT)
        let deadline = ContinuousClock.now + .seconds(60)
        while send.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        if send.isRunning { kill(send.processIdentifier, SIGKILL); send.waitUntilExit() }   // never read the status of a running process
        try #require(send.terminationReason == .exit, "send --now did not stop within 60 s of Ctrl-C")
        #expect(send.terminationStatus == 130)
        let total = try #require(try Self.report(dir, "now")["total"] as? [String: Any])
        // Every message timed out once and was never retried: none left, all queued again, none in doubt.
        #expect((total["queued"] as? Int ?? 0) > 0, "\(total)")
        #expect(total["sending"] as? Int == 0 && total["accepted"] as? Int == 0 && total["uncertain"] as? Int == 0, "\(total)")
        let queued = total["queued"] as? Int ?? 0
        // The gateway back (a file outbox under the same name): the next send --now sends exactly those.
        try CLIRunner.write("gateways:\n  outbox: {type: file, path: out/outbox.jsonl}\n  dead: {type: file, path: out/outbox.jsonl}\n",
                            to: "gateways.yaml", in: dir)
        let again = try CLIRunner.run(["send", "now", "--now", "--at", Self.morning, "--json"], in: dir)
        #expect(again.status == 0, "\(again.stderr)")
        let report = try #require(try CLIRunner.json(again) as? [String: Any])
        #expect((report["result"] as? [String: Any])?["accepted"] as? Int == queued, "\(report)")
        try Self.expectFiguresAddUp(report)
        #expect(try SendTests.outboxLines(dir).count == queued)
    }
}
