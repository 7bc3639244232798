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
    /// - no answer (refused, reset, timeout, DNS, TLS) or an answer that is not
    ///   HTTP → retryable, except a request the transport could not even
    ///   attempt → rejected.
    ///
    /// `detail` keeps Kannel's answer text on one line, secrets masked in
    /// every spelling (`SecretMask`) before it is shortened to 200 characters.
    public static func outcome(for result: Result<HTTPResponse, TransportError>, message: OutboundMessage,
                               attempt: Int, secrets: [String]) -> DeliveryOutcome {
        outcome(for: result, message: message, attempt: attempt, mask: SecretMask(secrets), now: nil)
    }

    /// `mask`: the gateway's, made once; `now` (for a `Retry-After` date) defaults to the clock, read only when needed.
    static func outcome(for result: Result<HTTPResponse, TransportError>, message: OutboundMessage,
                        attempt: Int, mask: SecretMask, now: Date?) -> DeliveryOutcome {
        switch result {
        case .success(let response):
            let answer = detail(response.bodyText, mask: mask)
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
            return DeliveryOutcome(messageID: message.id, kind: error.isRetryable ? .retryable : .rejected,
                                   detail: detail(error.description, mask: mask), attempts: attempt)
        }
    }

    /// What a report keeps of `text`: one line, secrets masked, then at most 200 characters. Masked on
    /// the whole line first: shortening first would leave the part of a secret before the cut.
    static func detail(_ text: String, mask: SecretMask) -> String {
        shortened(mask.apply(oneLine(text)))
    }

    /// One line, at most 200 characters: enough for a report.
    static func shortened(_ text: String) -> String {
        let line = oneLine(text)
        return line.count > 200 ? String(line.prefix(199)) + "…" : line
    }

    /// The text's non-empty lines, trimmed, joined by spaces.
    static func oneLine(_ text: String) -> String {
        // The usual answer ("0: Accepted for delivery") is already one clean line.
        if let first = text.utf8.first, let last = text.utf8.last, first > 0x20, last > 0x20,
           !text.utf8.contains(where: { $0 < 0x20 }) {
            return text
        }
        return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
    }
}
