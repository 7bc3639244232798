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
    /// Called once per message with its final outcome (after retries).
    func didFinish(_ outcomes: [DeliveryOutcome]) async throws
}
