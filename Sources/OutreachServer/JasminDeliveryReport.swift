public import Foundation
import Hummingbird
public import OutreachCore

/// Jasmin's delivery receipts for the `jasmin` http profile (`dlr_url` in gateways.yaml →
/// `…/hooks/<secret>/jasmin/dlr`): a form POST (or GET) with `id` (Jasmin's message id, which the send's
/// `Success "…"` answer gave: the provider id), `message_status` and `level`. Jasmin wants `ACK/Jasmin` back,
/// else it retries.
public enum JasminDeliveryReport {
    /// The report; nil for SMSC-level receipts (`level` 1) and statuses on the way (`ACCEPTD`, `ENROUTE`, …).
    public static func report(id: String?, status: String?, level: String?, at: Date) throws(WebhookInputError) -> DeliveryReport? {
        guard let id, !id.isEmpty else { throw WebhookInputError("missing id") }
        guard id.utf8.count <= 100, id.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) else { throw WebhookInputError("id is not a Jasmin message id") }
        guard let status, !status.isEmpty, status.utf8.count <= 40 else { throw WebhookInputError("missing message_status") }
        if let level, !["1", "2", "3"].contains(level) { throw WebhookInputError("level must be 1, 2 or 3") }
        guard level != "1" else { return nil }
        let detail = "jasmin \(status)"
        switch status.uppercased() {
        case "DELIVRD": return DeliveryReport(key: .providerMessageID(id), status: .delivered, detail: detail, at: at)
        case "EXPIRED": return DeliveryReport(key: .providerMessageID(id), status: .expired, detail: detail, at: at)
        case "UNDELIV", "REJECTD", "DELETED": return DeliveryReport(key: .providerMessageID(id), status: .failed, detail: detail, at: at)
        default: return nil
        }
    }

    struct Route: Sendable {
        let reports: DeliveryReportBatcher
        let maxBodySize: Int

        func handle(_ request: Request, context: WebhookRequestContext) async throws -> Response {
            let fields = try await WebhookRequest.fields(request, maxBodySize: maxBodySize, body: request.method == .post)
            let report: DeliveryReport?
            do {
                report = try JasminDeliveryReport.report(id: fields["id"], status: fields["message_status"], level: fields["level"], at: Date())
            } catch {
                throw WebhookRequest.malformed(error.message)
            }
            if let report { try await reports.record(report) }
            return WebhookRequest.text(.ok, "ACK/Jasmin")
        }
    }
}
