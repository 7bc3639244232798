import Foundation
import OutreachCore
@testable import OutreachDispatch
import Testing

@Suite("Kannel answer classification")
struct KannelOutcomeTests {
    let message = OutboundMessage(id: "m-7", channel: .sms, recipientID: "r", to: "+966501234567", text: "hi")

    func outcome(_ status: Int, _ body: String, headers: [HTTPHeader] = [], attempt: Int = 1) -> DeliveryOutcome {
        KannelGateway.outcome(for: .success(HTTPResponse(status: status, headers: headers, body: Array(body.utf8))),
                              message: message, attempt: attempt, secrets: ["hunter2"])
    }

    @Test("HTTP answers", arguments: [
        (202, "0: Accepted for delivery", DeliveryOutcome.Kind.accepted),
        (202, "3: Queued for later delivery", .accepted),
        (200, "Sent.", .accepted),
        (503, "Temporal failure, try again later.", .retryable),
        (500, "Internal error", .retryable),
        (502, "Bad gateway", .retryable),
        (429, "Too many requests", .retryable),
        (403, "Authorization failed for sendsms", .rejected),
        (400, "Sender missing and no global set, rejected", .rejected),
        (404, "Unknown service", .rejected),
    ])
    func answers(status: Int, body: String, expected: DeliveryOutcome.Kind) {
        let result = outcome(status, body, attempt: 3)
        #expect(result.kind == expected)
        #expect(result.status == status)
        #expect(result.detail == body)
        #expect(result.attempts == 3)
        #expect(result.messageID == "m-7")
    }

    @Test("transport errors retry, except a request that cannot be attempted", arguments: [
        (TransportError.Kind.connectionRefused, DeliveryOutcome.Kind.retryable),
        (.connectionReset, .retryable),
        (.timeout, .retryable),
        (.nameResolution, .retryable),
        (.tls, .retryable),
        (.other, .retryable),
        (.invalidRequest, .rejected),
    ])
    func transportErrors(kind: TransportError.Kind, expected: DeliveryOutcome.Kind) {
        let result = KannelGateway.outcome(for: .failure(TransportError(kind: kind, detail: "failed for password hunter2")),
                                           message: message, attempt: 1, secrets: ["hunter2"])
        #expect(result.kind == expected)
        #expect(result.status == nil)
        #expect(result.detail.hasPrefix(kind.rawValue))
        #expect(!result.detail.contains("hunter2"))
    }

    @Test("Kannel's answer is kept, on one line, with secrets masked")
    func detailMasked() {
        let result = outcome(403, "Authorization failed\nfor user moh / hunter2\n")
        #expect(result.detail == "Authorization failed for user moh / ***")
    }

    @Test("Retry-After in seconds or as an HTTP date; only on retryable answers")
    func retryAfter() {
        #expect(outcome(429, "slow down", headers: [HTTPHeader("Retry-After", "7")]).retryAfterSeconds == 7)
        #expect(outcome(503, "busy", headers: [HTTPHeader("retry-after", " 120 ")]).retryAfterSeconds == 120)
        #expect(outcome(202, "0: Accepted for delivery", headers: [HTTPHeader("Retry-After", "7")]).retryAfterSeconds == nil)
        #expect(outcome(503, "busy", headers: [HTTPHeader("Retry-After", "soon")]).retryAfterSeconds == nil)
        let now = Date(timeIntervalSince1970: 1_795_000_000)
        let later = HTTPResponseClassifier.retryAfterSeconds("Wed, 18 Nov 2026 11:06:50 GMT", now: now)
        // 1_795_000_000 is 2026-11-18T11:06:40Z: ten seconds later.
        #expect(later == 10)
        #expect(HTTPResponseClassifier.retryAfterSeconds("Wed, 18 Nov 2026 11:00:00 GMT", now: now) == 0)
    }
}
