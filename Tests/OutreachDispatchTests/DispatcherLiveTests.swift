import Foundation
import OutreachCore
@testable import OutreachDispatch
import Synchronization
import Testing

/// The dispatcher in real time over the real libcurl transport: against a
/// real Kannel (bearerbox + smsbox + fakesmsc, see KannelHarness), and
/// against the tests' own loopback FaultServer for the faults Kannel cannot
/// produce on demand (429 with Retry-After, 500, a hung answer, a reset).
@Suite("Dispatcher, live", .serialized)
struct DispatcherLiveTests {
    static func sms(_ i: Int, arabic: Bool) -> OutboundMessage {
        let digits = String(100_000 + i)
        let text = arabic ? "تذكير رقم \(i): موعد تطعيم طفلك قريب، وزارة الصحة" : "Reminder \(i): your child's vaccination is due soon. MOH"
        return OutboundMessage(id: "live/2026-11-29/\(i)", channel: .sms, recipientID: "\(i)", to: "+966501\(digits)", text: text)
    }

    @Test("300 messages through Kannel at 150/s: every one accepted and received once, at the rate asked")
    func kannel() async throws {
        try await KannelHarness.run(maxMessages: 10) { kannel in
            let transport = try CurlHTTPTransport(configuration: .init(maxConnectionsPerHost: 8))
            defer { transport.shutdown() }
            let gateway = KannelGateway(name: "kannel",
                                        settings: KannelSettings(url: kannel.sendsmsURL, username: kannel.username, password: kannel.password),
                                        defaultSender: "MOH", timeout: .seconds(10), transport: transport)
            let messages = (0..<300).map { Self.sms($0, arabic: $0 % 3 != 0) }
            let lane = DispatchLane(gateway: gateway, rate: RateLimit(perSecond: 150, burst: 10), concurrency: 8,
                                    retry: RetryPolicy(maxAttempts: 3, initialBackoffSeconds: 0.1, maxBackoffSeconds: 1, deadlineSeconds: 30))
            let sink = CollectingSink()
            let started = ContinuousClock.now
            let summary = try await Dispatcher(lanes: [lane]).run(source: ArraySource(messages), sink: sink)
            let elapsed = ContinuousClock.now - started
            #expect(summary.accepted == 300, "\(summary.failedByReason) \(summary.rejectedByReason)")
            #expect(sink.outcomes.count == 300)
            // 290 after the burst of 10, at 150/s: at least 1.93 s.
            #expect(elapsed >= .milliseconds(1900))
            let sent = ContinuousClock.now
            let received = try await kannel.waitForReceived(count: 300, settle: .seconds(1))
            print("dispatcher → Kannel: 300 accepted in \(elapsed), all received by fakesmsc \(ContinuousClock.now - sent) later")
            #expect(received.count == 300)
            let texts = received.map { $0.coding == .ucs2 ? $0.utf16Text : $0.utf8Text }
            #expect(Set(texts) == Set(messages.map(\.text)))
            #expect(received.allSatisfy { $0.sender == "MOH" })
        }
    }

    /// The form body of a FaultServer request, decoded.
    static func form(_ request: FaultServer.Request) -> [String: String] {
        var result: [String: String] = [:]
        for pair in String(decoding: request.body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            result[FaultServer.decode(String(parts[0]))] = parts.count > 1 ? FaultServer.decode(String(parts[1])) : ""
        }
        return result
    }

    @Test("real faults over HTTP: Retry-After honoured in real time, 5xx retried, hangs time out, rejections not retried")
    func faults() async throws {
        // Per message id, how many requests the server has seen.
        let seen = Mutex<[String: Int]>([:])
        let server = try FaultServer { request in
            let fields = Self.form(request)
            let id = fields["id"] ?? "?"
            let n = seen.withLock { s -> Int in
                s[id, default: 0] += 1
                return s[id]!
            }
            let index = Int(fields["to"]?.suffix(2) ?? "") ?? 0
            if index % 10 == 9 { return .respond(status: 400, body: #"{"error":"invalid number"}"#) }
            switch (index % 4, n) {
            case (0, 1): return .respond(status: 429, headers: [("Retry-After", "1")], body: "slow down")
            case (1, 1): return .respond(status: 500, body: "oops")
            case (2, 1): return .hang
            case (3, 1): return .reset
            default: return .respond(status: 202, body: #"{"id":"p-\#(id)"}"#)
            }
        }
        defer { server.stop() }
        let transport = try CurlHTTPTransport()
        defer { transport.shutdown() }
        let settings = HTTPGatewaySettings(url: server.baseURL + "/send", bodyFormat: .form,
                                           formFieldPairs: [.init(name: "id", value: "{message_id}"), .init(name: "to", value: "{to}"),
                                                            .init(name: "text", value: "{text}")],
                                           messageIDPointer: "/id")
        let configuration = GatewayConfiguration(name: "fault", settings: .http(settings), timeoutSeconds: 1, connectTimeoutSeconds: 1)
        let gateway = HTTPGateway(configuration: configuration, settings: settings, transport: transport)
        let messages = (0..<20).map { i in
            OutboundMessage(id: "f/\(i)", channel: .sms, recipientID: "\(i)", to: "+9665012345" + (i < 10 ? "0\(i)" : "\(i)"), text: "test \(i)")
        }
        let lane = DispatchLane(gateway: gateway, concurrency: 8,
                                retry: RetryPolicy(maxAttempts: 4, initialBackoffSeconds: 0.05, maxBackoffSeconds: 0.2, deadlineSeconds: 30),
                                breaker: .init(threshold: 100))
        let sink = CollectingSink()
        let summary = try await Dispatcher(lanes: [lane]).run(source: ArraySource(messages), sink: sink)

        let rejectedIDs = Set(messages.filter { Int($0.recipientID)! % 10 == 9 }.map(\.id))
        #expect(summary.rejected == rejectedIDs.count)
        #expect(summary.accepted == 20 - rejectedIDs.count)
        #expect(summary.failed == 0)
        for outcome in sink.outcomes {
            if rejectedIDs.contains(outcome.messageID) {
                #expect(outcome.kind == .rejected && outcome.attempts == 1 && outcome.status == 400)
            } else {
                let index = Int(outcome.messageID.split(separator: "/").last!)!
                // A reset on a reused keep-alive connection is retried by libcurl itself
                // (the server sees two requests, the dispatcher one attempt).
                let attempts = index % 4 == 3 ? 1...2 : 2...2
                #expect(outcome.kind == .accepted && attempts.contains(outcome.attempts),
                        "\(outcome) requests: \(seen.withLock { $0[outcome.messageID] ?? 0 })")
                #expect(seen.withLock { $0[outcome.messageID] } == 2)
                #expect(outcome.providerMessageID == "p-\(outcome.messageID)")
            }
        }
        #expect(seen.withLock { $0.values.reduce(0, +) } == server.requests.count)
        #expect(Set(sink.outcomes.map(\.messageID)).count == 20)
    }

    @Test("Retry-After in real time: the second attempt waits at least the seconds asked")
    func retryAfterRealTime() async throws {
        let times = Mutex<[ContinuousClock.Instant]>([])
        let server = try FaultServer { _ in
            let n = times.withLock { t -> Int in
                t.append(ContinuousClock.now)
                return t.count
            }
            return n == 1 ? .respond(status: 429, headers: [("Retry-After", "1")]) : .respond(status: 200, body: "{}")
        }
        defer { server.stop() }
        let transport = try CurlHTTPTransport()
        defer { transport.shutdown() }
        let settings = HTTPGatewaySettings(url: server.baseURL + "/send", bodyFormat: .form,
                                           formFieldPairs: [.init(name: "to", value: "{to}"), .init(name: "text", value: "{text}")])
        let gateway = HTTPGateway(configuration: GatewayConfiguration(name: "h", settings: .http(settings)), settings: settings, transport: transport)
        let lane = DispatchLane(gateway: gateway, concurrency: 1,
                                retry: RetryPolicy(maxAttempts: 3, initialBackoffSeconds: 0.01, maxBackoffSeconds: 0.01, deadlineSeconds: 10))
        let summary = try await Dispatcher(lanes: [lane]).run(source: ArraySource([Self.sms(1, arabic: true)]), sink: CollectingSink())
        #expect(summary.accepted == 1)
        let t = times.withLock { $0 }
        #expect(t.count == 2)
        #expect(t[1] - t[0] >= .seconds(1))
        #expect(t[1] - t[0] < .seconds(10))
    }
}
