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
        guard let answer, !answer.isEmpty else { return text }
        // Every report passes here: the search is over bytes (`text:` is ASCII), not through Foundation.
        let kept = answer[..<(textField(in: answer) ?? answer.endIndex)]
        let trimmed = kept.drop(while: \.isWhitespace).trimmingSuffix(while: \.isWhitespace)
        if !trimmed.isEmpty { text += ": " + String(trimmed.prefix(160)) }
        return text
    }

    /// Where `text:` (any case) starts in `answer`.
    static func textField(in answer: String) -> String.Index? {
        let pattern: [UInt8] = Array("text:".utf8)
        let bytes = answer.utf8
        var index = bytes.startIndex
        while index != bytes.endIndex {
            var probe = index
            var matched = 0
            while matched < pattern.count, probe != bytes.endIndex {
                let byte = bytes[probe]
                let lower = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
                guard lower == pattern[matched] else { break }
                matched += 1
                probe = bytes.index(after: probe)
            }
            if matched == pattern.count { return index }
            index = bytes.index(after: index)
        }
        return nil
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
