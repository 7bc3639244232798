public import Foundation
import Hummingbird
public import OutreachCore

/// Twilio's `StatusCallback` (a form POST: `MessageSid`, `MessageStatus`,
/// `ErrorCode`), matched to the ledger by the provider's message id (the SID
/// Twilio answered the send with).
public enum TwilioStatusCallback {
    /// The report these fields carry; nil for statuses on the way
    /// (`queued`, `sending`, `sent`, …) or unknown ones, which change nothing.
    public static func report(sid: String?, status: String?, errorCode: String?, at: Date) throws(WebhookInputError) -> DeliveryReport? {
        guard let sid, !sid.isEmpty else { throw WebhookInputError("missing MessageSid") }
        guard sid.utf8.count <= 100, sid.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) else { throw WebhookInputError("MessageSid is not a Twilio id") }
        guard let status, !status.isEmpty else { throw WebhookInputError("missing MessageStatus") }
        var detail = "twilio \(status.prefix(40))"
        if let errorCode, !errorCode.isEmpty {
            guard errorCode.count <= 10, errorCode.allSatisfy(\.isNumber) else { throw WebhookInputError("ErrorCode must be a number") }
            detail += " (error \(errorCode))"
        }
        switch status.lowercased() {
        case "delivered", "read":
            return DeliveryReport(key: .providerMessageID(sid), status: .delivered, detail: detail, at: at)
        case "undelivered", "failed", "canceled":
            return DeliveryReport(key: .providerMessageID(sid), status: .failed, detail: detail, at: at)
        default:
            return nil
        }
    }

    struct Route: Sendable {
        let reports: DeliveryReportBatcher
        let maxBodySize: Int
        let verifier: TwilioRequestVerifier

        func handle(_ request: Request, context: WebhookRequestContext) async throws -> Response {
            let (fields, body) = try await WebhookRequest.form(request, maxBodySize: maxBodySize, body: true)
            try verifier.verify(request, body: body)
            let report: DeliveryReport?
            do {
                report = try TwilioStatusCallback.report(sid: fields["MessageSid"], status: fields["MessageStatus"],
                                                         errorCode: fields["ErrorCode"], at: Date())
            } catch {
                throw WebhookRequest.malformed(error.message)
            }
            guard let report else { return WebhookRequest.text(.ok, "ignored (not a final status)") }
            try await reports.record(report)
            return WebhookRequest.text(.ok, "ok")
        }
    }
}
