import Foundation
import Glibc
import Testing
import OutreachCore
import OutreachStore

/// `outreach run` killed with SIGKILL at random moments, again and again,
/// mid-campaign against a real Kannel; then run to the end. What the fake
/// SMSC received is compared with the ledger: nothing lost, nothing sent
/// twice, and the only messages whose fate the ledger does not know are
/// the ones it marks as in doubt.
@Suite("Crash and resume against a real Kannel", .serialized)
struct CrashResumeTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let executable: URL = {
        if let path = ProcessInfo.processInfo.environment["OUTREACH_BIN"] { return URL(fileURLWithPath: path) }
        var dir = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("outreach")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return packageRoot.appendingPathComponent(".build/debug/outreach")
    }()

    static let launchedAt = "2026-11-29T06:00:00Z"   // 09:00 in Riyadh: outside quiet hours

    /// Starts `outreach ARGS` in `directory` with `environment` added.
    static func start(_ arguments: [String], in directory: URL, environment: [String: String]) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let log = directory.appendingPathComponent("run.log")
        if !FileManager.default.fileExists(atPath: log.path) { FileManager.default.createFile(atPath: log.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    static func runToEnd(_ arguments: [String], in directory: URL, environment: [String: String]) throws -> Int32 {
        let process = try start(arguments, in: directory, environment: environment)
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// A project in a temporary folder: 3,000 generated people, an
    /// everyone-with-a-mobile campaign through the given Kannel at 400/s, launched (with `holdout`, a share
    /// of them held out as a control group).
    static func project(kannel: KannelHarness, onUncertain: String, population: Int = 3000, gatewayExtra: String = "",
                        environment extra: [String: String] = [:], holdout: String? = nil) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("outreach-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for item in ["outreach.yaml", "schema.yaml", "audiences", "templates"] {
            try FileManager.default.copyItem(at: Self.packageRoot.appendingPathComponent(item), to: dir.appendingPathComponent(item))
        }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("campaigns"), withIntermediateDirectories: true)
        try """
            title: everyone with a mobile
            where: mobile IS NOT EMPTY
            """.write(to: dir.appendingPathComponent("audiences/everyone.yaml"), atomically: true, encoding: .utf8)
        try """
            title: crash test notice
            channel: sms
            en:
              text: "Outreach crash test {national_id}"
            """.write(to: dir.appendingPathComponent("templates/crash_notice.yaml"), atomically: true, encoding: .utf8)
        try """
            title: crash test
            audience: everyone
            template: crash_notice
            channel: sms
            gateway: kannel
            sender: MOH
            on_uncertain: \(onUncertain)
            frequency_cap: none
            \(holdout.map { "holdout: \($0)" } ?? "")
            """.write(to: dir.appendingPathComponent("campaigns/crash.yaml"), atomically: true, encoding: .utf8)
        try """
            gateways:
              kannel:
                type: kannel
                url: \(kannel.sendsmsURL)
                username: \(kannel.username)
                password: ${KANNEL_PASSWORD}
                concurrency: 8
                rate: 400/s
                retry: {attempts: 3, backoff: 1s}
            \(gatewayExtra)
            """.write(to: dir.appendingPathComponent("gateways.yaml"), atomically: true, encoding: .utf8)
        let environment = ["KANNEL_PASSWORD": kannel.password].merging(extra) { _, new in new }
        for arguments in [["generate-population", "\(population)", "--seed", "11", "--out", "pop.csv"],
                          ["launch", "crash", "--yes", "--at", Self.launchedAt, "--population", "pop.csv"]] {
            let status = try Self.runToEnd(arguments, in: dir, environment: environment)
            guard status == 0 else { throw KannelHarness.Failure(description: "outreach \(arguments[0]) exited \(status)") }
        }
        return dir
    }

    @Test("kill -9 mid-campaign, many times, with a 10% holdout: zero lost, zero duplicates, only in-doubt messages unaccounted, no held-out person messaged")
    func killNineRepeatedly() async throws {
        try await KannelHarness.run(maxMessages: 1) { kannel in try await Self.killNine(kannel) }
    }

    static func killNine(_ kannel: KannelHarness) async throws {
        do {
            let dir = try Self.project(kannel: kannel, onUncertain: "skip", holdout: "10%")
            defer { try? FileManager.default.removeItem(at: dir) }
            let environment = ["KANNEL_PASSWORD": kannel.password]
            let population = ["--population", "pop.csv"]
            let kills = try await Self.killRepeatedly(dir: dir, environment: environment)
            #expect(kills >= 3, "the campaign finished before it could be interrupted; raise its size")
            #expect(try Self.runToEnd(["run", "--live", "--once", "--at", Self.launchedAt] + population, in: dir, environment: environment) == 0)

            let ledger = try SQLiteLedger(path: dir.appendingPathComponent(".outreach/ledger.sqlite").path)
            let counts = try await ledger.counts(campaign: "crash")
            let accepted = try await ledger.entries(campaign: "crash", state: .accepted, limit: 1_000_000)
            let skipped = try await ledger.entries(campaign: "crash", state: .skipped, limit: 1_000_000)
            let inDoubt = skipped.filter { $0.skipReason == .inDoubt }
            #expect(counts.count(.queued) == 0 && counts.count(.sending) == 0 && counts.count(.uncertain) == 0)
            #expect(counts.targeted == accepted.count + skipped.count)         // every targeted person has one final state
            #expect(counts.targeted > 2_000)

            // Kannel delivers everything it accepted to the fake SMSC.
            let received = try await kannel.waitForReceived(count: accepted.count, timeout: .seconds(120), settle: .seconds(2))
            var timesReceived: [String: Int] = [:]
            for message in received { timesReceived[String(decoding: message.payload, as: UTF8.self), default: 0] += 1 }
            let text: (LedgerEntry) -> String = { $0.payload?.text ?? "" }
            let duplicates = timesReceived.filter { $0.value > 1 }
            #expect(duplicates.isEmpty, "sent twice: \(duplicates.keys.prefix(5))")
            let lost = accepted.filter { timesReceived[text($0)] == nil }
            #expect(lost.isEmpty, "accepted but never received: \(lost.prefix(5).map(\.recipientID))")
            let known = Set(accepted.map(text)).union(inDoubt.map(text))
            let unexplained = timesReceived.keys.filter { !known.contains($0) }
            #expect(unexplained.isEmpty, "received without an accepted or in-doubt entry: \(unexplained.prefix(5))")
            // The control group: about a tenth, recorded as held out with no message stored, and none of them received one.
            let heldOut = skipped.filter { $0.skipReason == .holdout }
            #expect(heldOut.count > counts.targeted / 20 && heldOut.count < counts.targeted / 5, "\(heldOut.count) held out of \(counts.targeted)")
            #expect(heldOut.allSatisfy { $0.payload == nil })
            let heldOutTexts = Set(heldOut.map { "Outreach crash test \($0.recipientID)" })
            let messagedHeldOut = timesReceived.keys.filter { heldOutTexts.contains($0) }
            #expect(messagedHeldOut.isEmpty, "held-out people messaged: \(messagedHeldOut.count)")
            #expect(Set(accepted.map(\.recipientID)).isDisjoint(with: heldOut.map(\.recipientID)))
            // Bounded doubt: per kill, only attempts under way (the gateway's 8 connections) and answers
            // not yet recorded (at most 0.1 s or one outcome batch); claimed-but-unattempted ones are queued again.
            #expect(inDoubt.count <= kills * 32, "\(inDoubt.count) in doubt after \(kills) kills")
            let summary = "crash test: \(kills) kills, \(counts.targeted) targeted, \(heldOut.count) held out, \(accepted.count) accepted"
            print(summary + ", \(inDoubt.count) in doubt, \(received.count) received")
        }
    }

    /// `outreach run --once` killed with SIGKILL at seeded random moments, up to ten times; a run that
    /// finishes on its own ends the loop. Returns how many kills there were.
    static func killRepeatedly(dir: URL, environment: [String: String]) async throws -> Int {
        var random = SeededRandom(seed: 20261129)
        var kills = 0
        for _ in 0..<10 {
            let run = try Self.start(["run", "--live", "--once", "--at", Self.launchedAt, "--population", "pop.csv"], in: dir, environment: environment)
            try await Task.sleep(for: .milliseconds(Int64.random(in: 250...1_200, using: &random)))
            guard run.isRunning else { break }
            kill(run.processIdentifier, SIGKILL)
            run.waitUntilExit()
            kills += 1
        }
        return kills
    }

    @Test("kill -9 with on_uncertain: resend: every duplicate the SMSC received is counted in the report as a possible duplicate")
    func killNineResend() async throws {
        try await KannelHarness.run(maxMessages: 1) { kannel in try await Self.killNineResend(kannel) }
    }

    static func killNineResend(_ kannel: KannelHarness) async throws {
        do {
            let dir = try Self.project(kannel: kannel, onUncertain: "resend")
            defer { try? FileManager.default.removeItem(at: dir) }
            let environment = ["KANNEL_PASSWORD": kannel.password]
            let kills = try await Self.killRepeatedly(dir: dir, environment: environment)
            #expect(kills >= 3, "the campaign finished before it could be interrupted; raise its size")
            #expect(try Self.runToEnd(["run", "--live", "--once", "--at", Self.launchedAt, "--population", "pop.csv"], in: dir,
                                      environment: environment) == 0)

            let ledger = try SQLiteLedger(path: dir.appendingPathComponent(".outreach/ledger.sqlite").path)
            let counts = try await ledger.counts(campaign: "crash")
            let report = CampaignReport(campaign: "crash", state: .launched, launchedAt: nil, counts: counts, activity: CampaignActivity())
            #expect(report.total.queued == 0 && report.total.sending == 0 && report.total.uncertain == 0)
            let accepted = try await ledger.entries(campaign: "crash", state: .accepted, limit: 1_000_000)
            let received = try await kannel.waitForReceived(count: accepted.count, timeout: .seconds(120), settle: .seconds(2))
            var timesReceived: [String: Int] = [:]
            for message in received { timesReceived[String(decoding: message.payload, as: UTF8.self), default: 0] += 1 }
            let duplicated = timesReceived.filter { $0.value > 1 }
            // Nobody resent got it without the report saying so.
            #expect(duplicated.count <= report.total.inDoubt.possibleDuplicates,
                    "\(duplicated.count) people got the message twice; the report counts \(report.total.inDoubt.possibleDuplicates)")
            #expect(report.total.inDoubt.resent >= report.total.inDoubt.possibleDuplicates)
            #expect(report.total.inDoubt.total > 0, "\(kills) kills left nothing in doubt")
            print("crash test (resend): \(kills) kills, \(report.total.inDoubt.total) in doubt, \(report.total.inDoubt.possibleDuplicates) possible duplicates, \(duplicated.count) received twice")
        }
    }

    @Test("SIGTERM stops claiming, finishes and records what is in flight; the next run sends the rest once")
    func gracefulShutdown() async throws {
        try await KannelHarness.run(maxMessages: 1) { kannel in try await Self.terminate(kannel) }
    }

    static func terminate(_ kannel: KannelHarness) async throws {
        do {
            let dir = try Self.project(kannel: kannel, onUncertain: "resend")
            defer { try? FileManager.default.removeItem(at: dir) }
            let environment = ["KANNEL_PASSWORD": kannel.password]
            let population = ["--population", "pop.csv"]
            let run = try Self.start(["run", "--live", "--at", Self.launchedAt] + population, in: dir, environment: environment)
            try await Task.sleep(for: .milliseconds(1_500))
            #expect(run.isRunning)
            kill(run.processIdentifier, SIGTERM)
            let deadline = ContinuousClock.now + .seconds(30)
            while run.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
            #expect(!run.isRunning, "outreach run did not stop within 30 s of SIGTERM")
            #expect(run.terminationStatus == 0)

            let ledger = try SQLiteLedger(path: dir.appendingPathComponent(".outreach/ledger.sqlite").path)
            var counts = try await ledger.counts(campaign: "crash")
            #expect(counts.count(.sending) == 0 && counts.count(.uncertain) == 0)   // everything in flight was recorded
            #expect(counts.count(.queued) > 0)                                       // it stopped before the end
            let acceptedBefore = counts.count(.accepted)

            #expect(try Self.runToEnd(["run", "--live", "--once", "--at", Self.launchedAt] + population, in: dir, environment: environment) == 0)
            counts = try await ledger.counts(campaign: "crash")
            #expect(counts.count(.queued) == 0 && counts.count(.sending) == 0)
            #expect(counts.count(.accepted) > acceptedBefore)
            let received = try await kannel.waitForReceived(count: counts.count(.accepted), timeout: .seconds(120), settle: .seconds(2))
            #expect(received.count == counts.count(.accepted))
            #expect(Set(received.map { String(decoding: $0.payload, as: UTF8.self) }).count == received.count)
        }
    }
}
