/// Where the dispatcher takes messages from: `outreach send` renders a
/// campaign's audience into one; the durable ledger is another. `next`
/// returns nil when nothing more is due.
public protocol MessageSource: Sendable {
    func next(max: Int) async throws -> [OutboundMessage]
}

/// Where the dispatcher reports what happened to each message. The ledger
/// records `sending` before the attempt and the outcome after.
public protocol OutcomeSink: Sendable {
    /// Called before the first attempt at a message leaves.
    func willSend(_ messages: [OutboundMessage]) async throws
    /// Called just before the first attempt at these messages leaves (the
    /// ledger records it, so a crash before this point is known not to have
    /// sent them).
    func willAttempt(_ messageIDs: [String]) async throws
    /// Called once per message with its final outcome (after retries).
    func didFinish(_ outcomes: [DeliveryOutcome]) async throws
}

extension OutcomeSink {
    public func willAttempt(_ messageIDs: [String]) async throws {}
}
