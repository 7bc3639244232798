public import Foundation
public import OutreachCore

/// An SMS gateway that is one HTTP request per attempt, classified by an
/// `HTTPResponseClassifier` (Twilio, the generic gateway and its profiles):
/// building the request is pure, the attempt and its classification are shared.
protocol ClassifyingHTTPGateway: MessageGateway {
    var transport: any HTTPTransport { get }
    var classifier: HTTPResponseClassifier { get }
    var now: @Sendable () -> Date { get }
    func request(for message: OutboundMessage) throws(HTTPRequestBuildError) -> HTTPRequest
}

extension ClassifyingHTTPGateway {
    public var preferredExecutor: (any TaskExecutor)? { transport.preferredExecutor }

    /// Stops the gateway's transport.
    public func shutdown() async { await transport.stop() }

    public func send(_ message: OutboundMessage, attempt: Int) async -> DeliveryOutcome {
        let request: HTTPRequest
        do { request = try self.request(for: message) } catch {
            return DeliveryOutcome(messageID: message.id, kind: .rejected, detail: classifier.shortened(error.description), attempts: attempt)
        }
        do {
            let response = try await transport.perform(request)
            return classify(response, for: message, attempt: attempt)
        } catch {
            return classify(error, for: message, attempt: attempt)
        }
    }

    public func classify(_ response: HTTPResponse, for message: OutboundMessage, attempt: Int) -> DeliveryOutcome {
        classifier.classify(response, messageID: message.id, attempt: attempt, now: now())
    }

    public func classify(_ error: TransportError, for message: OutboundMessage, attempt: Int) -> DeliveryOutcome {
        classifier.classify(error, messageID: message.id, attempt: attempt)
    }
}
