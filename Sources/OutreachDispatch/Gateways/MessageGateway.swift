public import OutreachCore

/// A way out for messages: an SMS gateway over HTTP, an SMTP server, or the
/// file outbox. One call is one attempt; retries, rate limits and the
/// circuit breaker live in the `Dispatcher`, not here.
public protocol MessageGateway: Sendable {
    /// The name the project gives it in `gateways.yaml`.
    var name: String { get }
    var channel: Channel { get }
    /// Makes one attempt and classifies the answer. Never throws: a network
    /// error is a `retryable` outcome, a refused number a `rejected` one.
    func send(_ message: OutboundMessage, attempt: Int) async -> DeliveryOutcome

    /// The executor an attempt (`send`) should run on, if the gateway has
    /// one: HTTP gateways name their libcurl transport's engine thread, so
    /// building the request and reading the answer happen where the
    /// transfer runs. Nil: anywhere.
    var preferredExecutor: (any TaskExecutor)? { get }

    /// Lets the gateway finish and close what it holds open (an outbox file, SMTP sessions, an HTTP transport's
    /// threads). Call once, after its last `send`; returns without blocking a thread. Default: nothing to close.
    func shutdown() async
}

extension MessageGateway {
    public var preferredExecutor: (any TaskExecutor)? { nil }
    public func shutdown() async {}
}
