public import Foundation
import Hummingbird
public import OutreachCore

/// Kannel's `dlr-url` callback, configured in gateways.yaml as
/// `…/hooks/<secret>/kannel/dlr?id={message_id}&status=%d&answer=%A&smsc_id=%i`:
/// `id` is our message id (the gateway substitutes it), `status` Kannel's
/// `%d` type.
public enum KannelDeliveryReport {
    /// Kannel's DLR types (`%d`).
    public enum Kind: Int, Sendable {
        case delivered = 1
        case failed = 2
        case buffered = 4
        case smscSubmit = 8
        case smscReject = 16
    }

    /// The report these fields carry; nil for intermediate reports (buffered,
    /// submitted to the SMSC), which change nothing in the ledger.
    /// Throws a message for a malformed callback.
    public static func report(id: String?, status: String?, answer: String?, at: Date) throws(WebhookInputError) -> DeliveryReport? {
        guard let id, !id.isEmpty else { throw WebhookInputError("missing id (the message id: put id={message_id} in dlr_url)") }
        guard id.utf8.count <= 200 else { throw WebhookInputError("id is too long") }
        guard let status, let number = Int(status) else { throw WebhookInputError("status must be Kannel's %d (1, 2, 4, 8 or 16)") }
        guard let kind = Kind(rawValue: number) else { throw WebhookInputError("status \(number) is not a Kannel DLR type (1, 2, 4, 8 or 16)") }
        let detail = Self.detail(kind, answer: answer)
        switch kind {
        case .delivered:
            return DeliveryReport(key: .messageID(id), status: .delivered, detail: detail, at: at)
        case .failed, .smscReject:
            let expired = answer?.uppercased().contains("STAT:EXPIRED") ?? false
            return DeliveryReport(key: .messageID(id), status: expired ? .expired : .failed, detail: detail, at: at)
        case .buffered, .smscSubmit:
            return nil
        }
    }

    /// What the ledger keeps: the DLR type and the SMSC's answer without the
    /// `text:` part (the start of the message, personal data).
    static func detail(_ kind: Kind, answer: String?) -> String {
        var text = "kannel dlr \(kind.rawValue)"
        guard var answer, !answer.isEmpty else { return text }
        if let range = answer.range(of: "text:", options: .caseInsensitive) { answer = String(answer[..<range.lowerBound]) }
        answer = answer.trimmingCharacters(in: .whitespacesAndNewlines)
        if !answer.isEmpty { text += ": " + String(answer.prefix(160)) }
        return text
    }

    struct Route: Sendable {
        let reports: DeliveryReportBatcher
        let maxBodySize: Int

        func handle(_ request: Request, context: WebhookRequestContext) async throws -> Response {
            let fields = try await WebhookRequest.fields(request, maxBodySize: maxBodySize, body: request.method == .post)
            let report: DeliveryReport?
            do {
                report = try KannelDeliveryReport.report(id: fields["id"], status: fields["status"], answer: fields["answer"], at: Date())
            } catch {
                throw WebhookRequest.malformed(error.message)
            }
            guard let report else { return WebhookRequest.text(.ok, "ignored (intermediate report)") }
            try await reports.record(report)
            return WebhookRequest.text(.ok, "ok")
        }
    }
}

/// Why a webhook's input was refused (400): one line, naming the field, never
/// echoing personal data.
public struct WebhookInputError: Error, Sendable, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
}
