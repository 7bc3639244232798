import Foundation
public import OutreachCore

extension KannelGateway {
    /// Classifies Kannel's answer to one attempt.
    ///
    /// - 2xx (`202 0: Accepted for delivery`, `202 3: Queued for later
    ///   delivery`) → accepted;
    /// - 429, 503 and every other 5xx (`503 Temporal failure, try again
    ///   later.`) → retryable, with `Retry-After` when Kannel or a proxy in
    ///   front of it sends one;
    /// - any other status (`403 Authorization failed for sendsms`, `400
    ///   Sender missing…`) → rejected: the same request would fail again;
    /// - no answer (refused, reset, timeout, DNS, TLS) → retryable, except a
    ///   request the transport could not even attempt → rejected.
    ///
    /// `detail` keeps Kannel's answer text, shortened, secrets masked.
    public static func outcome(for result: Result<HTTPResponse, TransportError>, message: OutboundMessage,
                               attempt: Int, secrets: [String]) -> DeliveryOutcome {
        outcome(for: result, message: message, attempt: attempt, secrets: secrets, now: nil)
    }

    /// `now` (for a `Retry-After` date) defaults to the clock, read only when needed.
    static func outcome(for result: Result<HTTPResponse, TransportError>, message: OutboundMessage,
                        attempt: Int, secrets: [String], now: Date?) -> DeliveryOutcome {
        switch result {
        case .success(let response):
            let answer = TransportSecrets.mask(Self.shortened(response.bodyText), secrets)
            let kind: DeliveryOutcome.Kind
            switch response.status {
            case 200...299: kind = .accepted
            case 429, 500...599: kind = .retryable
            default: kind = .rejected
            }
            let retryAfter = kind == .retryable ? response.header("Retry-After").flatMap { HTTPResponseClassifier.retryAfterSeconds($0, now: now ?? Date()) } : nil
            return DeliveryOutcome(messageID: message.id, kind: kind, status: response.status,
                                   detail: answer.isEmpty ? "HTTP \(response.status)" : answer,
                                   attempts: attempt, retryAfterSeconds: retryAfter)
        case .failure(let error):
            let masked = TransportSecrets.mask(error, secrets)
            return DeliveryOutcome(messageID: message.id, kind: masked.isRetryable ? .retryable : .rejected,
                                   detail: Self.shortened(masked.description), attempts: attempt)
        }
    }


    /// One line, at most 200 characters: enough for a report.
    static func shortened(_ text: String) -> String {
        // The usual answer ("0: Accepted for delivery") is already one clean short line.
        if text.utf8.count <= 200, let first = text.utf8.first, let last = text.utf8.last,
           first > 0x20, last > 0x20, !text.utf8.contains(where: { $0 < 0x20 }) {
            return text
        }
        let line = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
        return line.count > 200 ? String(line.prefix(199)) + "…" : line
    }
}
