import Foundation
import Testing
import OutreachCore
@testable import OutreachDispatch

/// Configured durations and rates far outside what the loader accepts
/// (built in code, or from a future key) never trap at run time: every
/// conversion of configured seconds saturates.
@Suite("Extreme configuration values")
struct ExtremeConfigurationTests {
    static let extremes: [Double] = [1e16, 1e300, .infinity, .greatestFiniteMagnitude, .nan, -5]

    @Test("seconds convert to a Duration and to milliseconds without trapping", arguments: extremes)
    func saturatingConversions(seconds: Double) {
        let duration = SaturatingTime.duration(seconds: seconds)
        #expect(duration >= .zero)
        #expect(duration <= .seconds(Int64(SaturatingTime.maxSeconds)))
        #expect(SaturatingTime.milliseconds(seconds: seconds) <= Int(SaturatingTime.maxSeconds) * 1000)
        #expect(CurlEasyHandle.milliseconds(duration) >= 1)
    }

    @Test("ordinary values convert exactly, rounded up")
    func ordinaryConversions() {
        #expect(SaturatingTime.duration(seconds: 30) == .seconds(30))
        #expect(SaturatingTime.duration(seconds: 0.5) == .milliseconds(500))
        #expect(SaturatingTime.milliseconds(seconds: 0.0001) == 1)
        #expect(SaturatingTime.milliseconds(.seconds(Int64.max)) == Int(SaturatingTime.maxSeconds) * 1000)
        #expect(CurlEasyHandle.milliseconds(.seconds(Int64.max)) == Int(SaturatingTime.maxSeconds) * 1000)
    }

    @Test("kannel, http and twilio gateways with a timeout of 10^16 s build their requests")
    func hugeTimeouts() throws {
        let message = OutboundMessage(id: "m1", channel: .sms, recipientID: "1", to: "+966501234567", sender: "MOH", text: "hello")
        func configuration(_ settings: GatewaySettings) -> GatewayConfiguration {
            GatewayConfiguration(name: "g", settings: settings, timeoutSeconds: 1e16, connectTimeoutSeconds: .infinity, sender: "MOH")
        }
        let kannel = try KannelGateway(configuration: configuration(.kannel(KannelSettings(url: "http://127.0.0.1:13013/cgi-bin/sendsms",
                                                                                           username: "u", password: "p"))),
                                       transport: UnusedTransport())
        #expect(kannel.timeout == .seconds(Int64(SaturatingTime.maxSeconds)))
        #expect(kannel.request(for: message).timeout == kannel.timeout)

        let httpSettings = HTTPGatewayProfile.taqnyat.settings(["token": "t"])
        let http = HTTPGateway(configuration: configuration(.http(httpSettings)), settings: httpSettings, transport: UnusedTransport())
        #expect(try http.request(for: message).timeout == .seconds(Int64(SaturatingTime.maxSeconds)))

        let twilioSettings = TwilioSettings(accountSID: "AC", authToken: "t")
        let twilio = TwilioGateway(configuration: configuration(.twilio(twilioSettings)), settings: twilioSettings, transport: UnusedTransport())
        #expect(try twilio.request(for: message).connectTimeout == .seconds(Int64(SaturatingTime.maxSeconds)))
    }

    @Test("the system clock waits for a deadline 10^300 s away without trapping (cancelled, it throws)")
    func farDeadline() async {
        let clock = SystemDispatchClock()
        let waiting = Task { try await clock.sleep(until: 1e300) }
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
    }

    @Test("back-off and breaker cool-downs of 10^300 s stay finite")
    func hugeBackoffAndCoolDown() {
        let schedule = RetrySchedule(RetryPolicy(maxAttempts: 5, initialBackoffSeconds: 1e300, maxBackoffSeconds: .infinity,
                                                 deadlineSeconds: 1e300))
        #expect(schedule.delay(afterAttempt: 3, jitter: 1, retryAfter: nil) > 0)
        #expect(schedule.giveUp(attempts: 1, firstAttempt: 0, retryAt: .infinity)?.contains("retry deadline") == true)
        #expect(RetrySchedule.format(1e300) == "1e+300 s")

        var breaker = CircuitBreaker(.init(threshold: 1, coolDownSeconds: 1e300, maxCoolDownSeconds: .infinity))
        breaker.recordFailure(trial: false, now: 10)
        let reopens = breaker.reopensAt
        #expect(reopens == 10 + SaturatingTime.maxSeconds)
    }

    @Test("an infinite or vanishing rate neither stalls nor spins the token bucket",
          arguments: [Double.infinity, .greatestFiniteMagnitude, 1e-300])
    func extremeRates(perSecond: Double) {
        var bucket = TokenBucket(RateLimit(perSecond: perSecond), now: 0)
        let took = bucket.take(now: 0)
        #expect(took)
        let next = bucket.nextToken(now: 0)
        #expect(next.isFinite && next > 0)
    }

    @Test("a file gateway with an empty path is refused when built, never written to")
    func emptyOutboxPath() throws {
        let configuration = GatewayConfiguration(name: "outbox", settings: .file(FileOutboxSettings(path: "")))
        #expect(throws: GatewayFactoryError(gateway: "outbox", type: "file", message: "path '' is empty")) {
            try GatewayFactory.make([configuration], projectRoot: "/tmp/p", transport: UnusedTransport())
        }
    }
}
