import Foundation
import Glibc
import Testing
import OutreachCore
import OutreachStore

/// The whole round trip with a real Kannel: a campaign sent through bearerbox + smsbox + fakesmsc with
/// `dlr-mask` set, the fake SMSC's delivery reports coming back through `dlr-url` to a live `outreach serve`,
/// and the ledger's `delivered` equal to what the fake SMSC received.
@Suite("Delivery reports from a real Kannel through outreach serve", .serialized)
struct KannelDeliveryReportTests {
    static let secret = "kannel-dlr-test-secret-0123456789"

    @Test("every message the fake SMSC received is delivered in the ledger, through dlr-url and outreach serve")
    func deliveredThroughServe() async throws {
        try await KannelHarness.run(maxMessages: 1) { kannel in try await Self.roundTrip(kannel) }
    }

    static func roundTrip(_ kannel: KannelHarness) async throws {
        let port = LoopbackPort.free()
        let dir = try CrashResumeTests.project(kannel: kannel, onUncertain: "skip", population: 40, gatewayExtra: """
                dlr_mask: 3
                dlr_url: "http://127.0.0.1:\(port)/hooks/${OUTREACH_WEBHOOK_SECRET}/kannel/dlr?id={message_id}&status=%d&answer=%A"
            """, environment: ["OUTREACH_WEBHOOK_SECRET": Self.secret])
        defer { try? FileManager.default.removeItem(at: dir) }
        let yaml = try String(contentsOf: dir.appendingPathComponent("outreach.yaml"), encoding: .utf8)
        try (yaml + "\nserver:\n  listen: \"127.0.0.1:\(port)\"\n").write(to: dir.appendingPathComponent("outreach.yaml"),
                                                                       atomically: true, encoding: .utf8)
        let environment = ["KANNEL_PASSWORD": kannel.password, "OUTREACH_WEBHOOK_SECRET": Self.secret]
        let serve = try CrashResumeTests.start(["serve", "--population", "pop.csv"], in: dir, environment: environment)
        defer { if serve.isRunning { kill(serve.processIdentifier, SIGKILL) } }
        let listening = ContinuousClock.now + .seconds(60)
        while !LoopbackPort.isListening(port) {
            guard serve.isRunning, ContinuousClock.now < listening else {
                throw KannelHarness.Failure(description: "outreach serve did not start: \(Self.log(dir))")
            }
            try await Task.sleep(for: .milliseconds(50))
        }

        #expect(try CrashResumeTests.runToEnd(["run", "--live", "--once", "--at", CrashResumeTests.launchedAt, "--population", "pop.csv"],
                                              in: dir, environment: environment) == 0)
        let ledger = try SQLiteLedger(path: dir.appendingPathComponent(".outreach/ledger.sqlite").path)
        let sent = try await ledger.counts(campaign: "crash")
        let received = try await kannel.waitForReceived(count: sent.count(.accepted), timeout: .seconds(60), settle: .seconds(1))
        #expect(received.count > 0)
        // The reports travel SMSC → bearerbox → smsbox → dlr-url; wait until they are all in (or time out).
        let deadline = ContinuousClock.now + .seconds(60)
        var counts = try await ledger.counts(campaign: "crash")
        while counts.count(.delivered) < received.count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            counts = try await ledger.counts(campaign: "crash")
        }
        #expect(counts.count(.delivered) == received.count, "\(Self.log(dir))")
        #expect(counts.count(.accepted) == 0)
        let delivered = try await ledger.entries(campaign: "crash", state: .delivered, limit: 1_000)
        #expect(delivered.allSatisfy { $0.lastDetail?.hasPrefix("kannel dlr 1") == true })
        kill(serve.processIdentifier, SIGTERM)
        serve.waitUntilExit()
        #expect(serve.terminationStatus == 0)
        #expect(!Self.log(dir).contains(Self.secret))
    }

    static func log(_ dir: URL) -> String {
        (try? String(contentsOf: dir.appendingPathComponent("run.log"), encoding: .utf8)) ?? ""
    }
}
