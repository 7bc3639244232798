import Foundation
import Glibc
import Testing
import OutreachCore
import OutreachStore

/// Stopping is orderly against a gateway that is down: SIGTERM stops new
/// attempts and retries at once, puts back what never left as queued (so
/// nothing is later skipped as "in doubt"), and exits 0 within seconds; the
/// retry deadline bounds `run --once` whatever the circuit breaker does.
/// The gateway is the tests' FaultServer answering 500 — a real Kannel
/// cannot be made to fail on demand.
@Suite("Orderly stop against a gateway that is down", .serialized)
struct OrderlyStopTests {
    static let launchedAt = CrashResumeTests.launchedAt

    /// The example project with one campaign through `url`, a Kannel gateway with `settings`.
    static func project(url: String, settings: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("outreach-stop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for item in ["outreach.yaml", "schema.yaml", "audiences", "templates", "data"] {
            try FileManager.default.copyItem(at: CrashResumeTests.packageRoot.appendingPathComponent(item), to: dir.appendingPathComponent(item))
        }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("campaigns"), withIntermediateDirectories: true)
        try """
            title: notice
            audience: mothers
            template: vaccination_reminder
            channel: sms
            gateway: down
            sender: MOH
            """.write(to: dir.appendingPathComponent("campaigns/notice.yaml"), atomically: true, encoding: .utf8)
        try """
            gateways:
              down:
                type: kannel
                url: \(url)/cgi-bin/sendsms
                username: u
                password: ${DOWN_PASSWORD}
                concurrency: 2
            \(settings)
            """.write(to: dir.appendingPathComponent("gateways.yaml"), atomically: true, encoding: .utf8)
        #expect(try CrashResumeTests.runToEnd(["launch", "notice", "--yes", "--at", launchedAt], in: dir, environment: environment) == 0)
        return dir
    }

    static let environment = ["DOWN_PASSWORD": "secret"]

    @Test("SIGTERM with the breaker open: exits 0 within seconds, nothing left sending, nothing put in doubt")
    func sigtermWithBreakerOpen() async throws {
        let server = try FaultServer { _ in .respond(status: 500, body: "down") }
        defer { server.stop() }
        let dir = try Self.project(url: server.baseURL, settings: """
                retry: {attempts: 50, backoff: 2s, deadline: 1h}
                breaker: {failures: 2, open_for: 10m}
            """)
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try CrashResumeTests.start(["run", "--live", "--at", Self.launchedAt], in: dir, environment: Self.environment)
        defer { if run.isRunning { kill(run.processIdentifier, SIGKILL) } }
        // Ready when the gateway has failed enough for the breaker to open.
        let ready = ContinuousClock.now + .seconds(30)
        while server.requests.count < 2, ContinuousClock.now < ready { try await Task.sleep(for: .milliseconds(20)) }
        #expect(server.requests.count >= 2)

        let stopped = ContinuousClock.now
        kill(run.processIdentifier, SIGTERM)
        let deadline = stopped + .seconds(20)
        while run.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(!run.isRunning, "outreach run still running 20 s after SIGTERM")
        #expect(ContinuousClock.now - stopped < .seconds(10))
        #expect(run.terminationStatus == 0)

        let ledger = try SQLiteLedger(path: dir.appendingPathComponent(".outreach/ledger.sqlite").path)
        let counts = try await ledger.counts(campaign: "notice")
        #expect(counts.targeted > 0)
        #expect(counts.count(.sending) == 0 && counts.count(.uncertain) == 0)
        #expect(counts.count(.queued) == counts.targeted - counts.skipped(.unreachable) - counts.skipped(.renderFailed),
                "\(counts.rows)")
        // The next start finds nothing in flight: nobody is skipped as in doubt.
        #expect(try await ledger.recoverInterrupted(at: Date()) == 0)
    }

    @Test("run --once ends within the retry deadline while the breaker stays open; nothing is left sending")
    func deadlineHoldsWithBreakerOpen() async throws {
        let server = try FaultServer { _ in .respond(status: 500, body: "down") }
        defer { server.stop() }
        let dir = try Self.project(url: server.baseURL, settings: """
                retry: {attempts: 50, backoff: 1s, deadline: 3s}
                breaker: {failures: 2, open_for: 5m}
            """)
        defer { try? FileManager.default.removeItem(at: dir) }
        let started = ContinuousClock.now
        let run = try CrashResumeTests.start(["run", "--live", "--once", "--at", Self.launchedAt], in: dir, environment: Self.environment)
        defer { if run.isRunning { kill(run.processIdentifier, SIGKILL) } }
        let deadline = started + .seconds(60)
        while run.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!run.isRunning, "run --once still running after 60 s with a 3 s retry deadline")
        #expect(ContinuousClock.now - started < .seconds(30))

        let ledger = try SQLiteLedger(path: dir.appendingPathComponent(".outreach/ledger.sqlite").path)
        let counts = try await ledger.counts(campaign: "notice")
        #expect(counts.count(.sending) == 0 && counts.count(.uncertain) == 0)
        #expect(counts.count(.accepted) == 0)
        // Attempted ones gave up (failed); those never attempted behind the open breaker wait, queued.
        #expect(counts.count(.failed) > 0)
        #expect(counts.count(.failed) + counts.count(.queued) + counts.skipped(.unreachable) + counts.skipped(.renderFailed)
                == counts.targeted, "\(counts.rows)")
    }
}
