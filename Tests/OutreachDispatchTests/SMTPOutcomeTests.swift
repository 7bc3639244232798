@testable import OutreachDispatch
import OutreachCore
import Testing

/// How a finished SMTP transaction becomes an outcome (no network).
@Suite("SMTP outcome classification")
struct SMTPOutcomeTests {
    static func result(curl: Int, code: Int = 0, lines: [String] = [], error: String = "") -> SMTPTransferResult {
        SMTPTransferResult(curlCode: curl, replyCode: code, replyLines: lines, errorText: error, newConnection: false)
    }

    @Test(arguments: [
        // accepted
        (result(curl: 0, code: 250, lines: ["250 2.0.0 OK queued as 4F2"]), DeliveryOutcome.Kind.accepted, 250 as Int?),
        // the failing reply counts, not the 221 to QUIT that follows it
        (result(curl: 55, code: 221, lines: ["550 5.1.1 User unknown", "221 Bye"], error: "RCPT failed: 550"), .rejected, 550),
        (result(curl: 55, code: 451, lines: ["451 4.3.0 Try later"], error: "RCPT failed: 451"), .retryable, 451),
        (result(curl: 8, code: 554, lines: ["554 5.7.1 Message refused"], error: "weird server reply"), .rejected, 554),
        (result(curl: 8, code: 421, lines: ["421 4.7.0 Too many connections"]), .retryable, 421),
        // authentication is the gateway's fault: retry (the breaker stops it)
        (result(curl: 67, code: 334, lines: ["334 ", "535 5.7.8 Authentication credentials invalid"],
                error: "Login denied"), .retryable, 535),
        (result(curl: 55, code: 530, lines: ["530 5.7.0 Authentication required"]), .retryable, 530),
        // no answer at all
        (result(curl: 7, error: "Failed to connect to 127.0.0.1 port 1: Connection refused"), .retryable, nil),
        (result(curl: 28, error: "Operation timed out"), .retryable, nil),
        (result(curl: 64, error: "STARTTLS not supported."), .retryable, nil),
    ])
    func classification(result: SMTPTransferResult, kind: DeliveryOutcome.Kind, status: Int?) {
        let outcome = SMTPGateway.outcome(for: result, messageID: "m", attempt: 3, providerMessageID: "<m@x.example>",
                                          secrets: [])
        #expect(outcome.kind == kind)
        #expect(outcome.status == status)
        #expect(outcome.attempts == 3)
        #expect(outcome.providerMessageID == (kind == .accepted ? "<m@x.example>" : nil))
        #expect(!outcome.detail.isEmpty)
    }

    @Test func multiLineRepliesAreOneReply() {
        let result = Self.result(curl: 55, code: 550, lines: ["550-5.1.1 The email account does not exist.",
                                                              "550-5.1.1 Please check the address",
                                                              "550 5.1.1 and try again."])
        #expect(result.replies.count == 1)
        let outcome = SMTPGateway.outcome(for: result, messageID: "m", attempt: 1, providerMessageID: nil, secrets: [])
        #expect(outcome.detail.contains("does not exist") && outcome.detail.contains("try again"))
    }

    @Test func secretsAreMaskedInDetail() {
        let result = Self.result(curl: 67, code: 535, lines: ["535 bad password hunter2"], error: "Login denied")
        let outcome = SMTPGateway.outcome(for: result, messageID: "m", attempt: 1, providerMessageID: nil,
                                          secrets: ["hunter2"])
        #expect(!outcome.detail.contains("hunter2"))
        #expect(outcome.detail.contains("***"))
    }
}
