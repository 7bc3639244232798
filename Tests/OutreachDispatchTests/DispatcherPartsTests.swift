import OutreachCore
@testable import OutreachDispatch
import Testing

@Suite("Dispatcher parts")
struct DispatcherPartsTests {
    @Test("token bucket: burst back to back, then one per period")
    func tokenBucket() {
        var bucket = TokenBucket(RateLimit(perSecond: 4, burst: 2), now: 0)
        func take(_ now: Double) -> Bool { bucket.take(now: now) }
        #expect(take(0))
        #expect(take(0))
        #expect(!take(0))
        #expect(bucket.nextToken(now: 0) == 0.25)
        #expect(!take(0.2))
        #expect(take(0.25))
        // A long pause refills to the burst, never beyond.
        #expect(take(100))
        #expect(take(100))
        #expect(!take(100))
    }

    @Test("retry schedule: doubling ceilings, capped; Retry-After as a floor; limits")
    func retrySchedule() {
        let schedule = RetrySchedule(RetryPolicy(maxAttempts: 4, initialBackoffSeconds: 0.5, maxBackoffSeconds: 3, deadlineSeconds: 10))
        #expect((1...5).map { schedule.ceiling(afterAttempt: $0) } == [0.5, 1, 2, 3, 3])
        #expect(schedule.delay(afterAttempt: 3, jitter: 0.5, retryAfter: nil) == 1)
        #expect(schedule.delay(afterAttempt: 3, jitter: 0.5, retryAfter: 7) == 7)
        #expect(schedule.delay(afterAttempt: 3, jitter: 1, retryAfter: 0.1) == 2)
        #expect(schedule.ceiling(afterAttempt: 5000) == 3)
        #expect(schedule.giveUp(attempts: 4, firstAttempt: 0, retryAt: 1) == "gave up after 4 attempts")
        #expect(schedule.giveUp(attempts: 2, firstAttempt: 0, retryAt: 10) == nil)
        #expect(schedule.giveUp(attempts: 2, firstAttempt: 0, retryAt: 10.5)?.contains("deadline") == true)
    }

    /// Answers every request with a canned response. Stands in for the
    /// libcurl transport (feature/engine) only to test the transcript's
    /// formatting and masking; no network is involved.
    struct CannedTransport: HTTPTransport {
        var response: HTTPResponse?
        func perform(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
            guard let response else { throw TransportError(kind: .connectionRefused, detail: "Failed to connect to 127.0.0.1 port 9: Connection refused", curlCode: 7) }
            return response
        }
    }

    @Test("exchange transcript: request line, headers, body and answer, every form of a secret masked")
    func exchangeTranscript() async throws {
        let secret = "s3cr3t/pa ss"
        let recorder = ExchangeRecorder(CannedTransport(response: HTTPResponse(
            status: 202, headers: [HTTPHeader("Content-Type", "text/plain")], body: Array("0: Accepted for delivery".utf8))))
        let request = HTTPRequest(
            method: .post, url: "http://127.0.0.1:13013/cgi-bin/sendsms?username=tester&password=s3cr3t%2Fpa%20ss&to=%2B966551234567",
            headers: [HTTPHeader("Authorization", "Basic dGVzdGVyOnMzY3IzdA=="), HTTPHeader("Content-Type", "application/json")],
            body: Array(#"{"token":"s3cr3t\/pa ss","form":"s3cr3t%2Fpa+ss","text":"مرحبا"}"#.utf8), secrets: [secret])
        let response = try await recorder.perform(request)
        #expect(response.status == 202)
        let text = recorder.transcript()
        #expect(!text.contains("s3cr3t"))
        #expect(!text.contains("dGVzdGVy"))
        #expect(text.contains("> POST http://127.0.0.1:13013/cgi-bin/sendsms?username=tester&password=***&to=%2B966551234567"))
        #expect(text.contains("> Authorization: Basic ***"))
        #expect(text.contains(#"> {"token":"***","form":"***","text":"مرحبا"}"#))
        #expect(text.contains("< HTTP 202"))
        #expect(text.contains("< 0: Accepted for delivery"))
    }

    @Test("exchange transcript of a transfer that got no answer")
    func exchangeWithoutAnswer() async {
        let recorder = ExchangeRecorder(CannedTransport(response: nil), secrets: ["hunter22"])
        await #expect(throws: TransportError.self) {
            try await recorder.perform(HTTPRequest(method: .get, url: "http://127.0.0.1:9/send?key=hunter22"))
        }
        let text = recorder.transcript()
        #expect(text.contains("> GET http://127.0.0.1:9/send?key=***"))
        #expect(text.contains("! no answer: connectionRefused: Failed to connect"))
    }
}
