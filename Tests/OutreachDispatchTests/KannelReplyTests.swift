import Foundation
import Glibc
import Testing
import OutreachCore
import OutreachStore

/// A reply through a real Kannel: an SMS campaign with two weekly occurrences sent through bearerbox + smsbox +
/// fakesmsc; one recipient answers "إيقاف" from the handset side (a UCS-2 MO from the fake SMSC), smsbox hands it
/// to the sms-service's `get-url` on a live `outreach serve`, the person is opted out, the STOP confirmation comes
/// back to the handset through the same Kannel, and the next occurrence skips that person as opted out.
@Suite("Replies from a real Kannel through outreach serve", .serialized)
struct KannelReplyTests {
    static let secret = "kannel-mo-test-secret-0123456789"
    static let confirmation = "تم إيقاف رسائل التوعية"

    @Test("an MO إيقاف reaches get-url, opts the person out, is confirmed in Arabic, and the next occurrence skips them")
    func stopThroughKannel() async throws {
        let port = LoopbackPort.free()
        let moURL = "http://127.0.0.1:\(port)/hooks/\(Self.secret)/kannel/mo?from=%p&to=%P&text=%a&coding=%c&charset=%C"
        try await KannelHarness.run(maxMessages: 1, moURL: moURL) { kannel in try await Self.stop(kannel, port: port) }
    }

    static func stop(_ kannel: KannelHarness, port: UInt16) async throws {
        let dir = try CrashResumeTests.project(kannel: kannel, onUncertain: "skip", population: 30,
                                               environment: ["OUTREACH_WEBHOOK_SECRET": Self.secret])
        defer { try? FileManager.default.removeItem(at: dir) }
        let yaml = try String(contentsOf: dir.appendingPathComponent("outreach.yaml"), encoding: .utf8)
        try (yaml + """

            server:
              listen: "127.0.0.1:\(port)"
            replies:
              stop_confirmation: "\(Self.confirmation)"

            """).write(to: dir.appendingPathComponent("outreach.yaml"), atomically: true, encoding: .utf8)
        // Two weekly occurrences, the first when `crash` (launched by the fixture) sends too.
        try """
            title: weekly notice
            audience: everyone
            template: crash_notice
            channel: sms
            gateway: kannel
            sender: MOH
            frequency_cap: none
            schedule:
              start: 2026-11-29T09:00
              repeat: {every: 7d, times: 2}
            """.write(to: dir.appendingPathComponent("campaigns/weekly.yaml"), atomically: true, encoding: .utf8)
        let environment = ["KANNEL_PASSWORD": kannel.password, "OUTREACH_WEBHOOK_SECRET": Self.secret]
        let population = ["--population", "pop.csv"]
        #expect(try CrashResumeTests.runToEnd(["launch", "weekly", "--yes", "--at", CrashResumeTests.launchedAt] + population,
                                              in: dir, environment: environment) == 0)

        let serve = try CrashResumeTests.start(["serve"] + population, in: dir, environment: environment)
        defer { if serve.isRunning { kill(serve.processIdentifier, SIGKILL) } }
        let listening = ContinuousClock.now + .seconds(60)
        while !LoopbackPort.isListening(port) {
            guard serve.isRunning, ContinuousClock.now < listening else {
                throw KannelHarness.Failure(description: "outreach serve did not start: \(KannelDeliveryReportTests.log(dir))")
            }
            try await Task.sleep(for: .milliseconds(50))
        }

        // The first occurrence.
        #expect(try CrashResumeTests.runToEnd(["run", "--live", "--once", "--at", CrashResumeTests.launchedAt] + population,
                                              in: dir, environment: environment) == 0)
        let ledger = try SQLiteLedger(path: dir.appendingPathComponent(".outreach/ledger.sqlite").path)
        let first = try await ledger.entries(campaign: "weekly", state: .accepted, limit: 1_000)
        try #require(first.count >= 2, "\(KannelDeliveryReportTests.log(dir))")
        let total = try await ledger.counts(campaign: "crash").count(.accepted) + first.count
        _ = try await kannel.waitForReceived(count: total, timeout: .seconds(60), settle: .milliseconds(200))

        // The handset answers إيقاف (written with tatweel, as people type it).
        let person = first[0]
        try await kannel.injectMO(from: person.address, to: "MOH", text: "إيقـاف")
        let deadline = ContinuousClock.now + .seconds(60)
        while try await !ledger.isOptedOut(person.address) {
            guard ContinuousClock.now < deadline else {
                throw KannelHarness.Failure(description: "the reply never opted the person out\n\(KannelDeliveryReportTests.log(dir))\n\(kannel.diagnostics)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let optOut = try #require(try await ledger.optOuts().first { $0.address == person.address })
        #expect(optOut.source == "reply")
        #expect(try await ledger.replyCounts(campaign: "weekly").optOuts + ledger.replyCounts(campaign: "crash").optOuts == 1)

        // The confirmation goes back to the handset through the same Kannel, in Arabic (UCS-2).
        let confirmed = ContinuousClock.now + .seconds(30)
        func confirmation() -> FakeSMSCMessage? {
            kannel.received().first { $0.coding == .ucs2 && $0.utf16Text == Self.confirmation }
        }
        while confirmation() == nil {
            guard ContinuousClock.now < confirmed else {
                throw KannelHarness.Failure(description: "no confirmation reached the handset\n\(kannel.diagnostics)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(confirmation()?.receiver == person.address)

        // The next occurrence, a week later: everyone but that person.
        #expect(try CrashResumeTests.runToEnd(["run", "--live", "--once", "--at", "2026-12-06T06:00:00Z"] + population,
                                              in: dir, environment: environment) == 0)
        let skipped = try await ledger.entries(campaign: "weekly", state: .skipped, limit: 1_000)
        let second = try await ledger.entries(campaign: "weekly", state: .accepted, limit: 1_000).filter { $0.occurrence != person.occurrence }
        #expect(skipped.map(\.address) == [person.address])
        #expect(skipped.first?.skipReason == .optedOut)
        #expect(skipped.first?.occurrence != person.occurrence)
        #expect(second.count == first.count - 1)
        #expect(!second.contains { $0.address == person.address })

        kill(serve.processIdentifier, SIGTERM)
        serve.waitUntilExit()
        #expect(serve.terminationStatus == 0)
        let log = KannelDeliveryReportTests.log(dir)
        #expect(!log.contains(Self.secret))
        #expect(!log.contains("إيقـاف"))     // the reply's text is never logged (the launch preview shows sample numbers)
    }
}
