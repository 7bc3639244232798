/// Where one message of one occurrence stands in the durable ledger.
///
/// ```
/// queued ─▶ sending ─▶ accepted ─▶ delivered | failed | expired
///   │          │  ╰──▶ failed (rejected, or retries exhausted)
///   │          ├──▶ queued     (released unsent at a graceful shutdown)
///   │          ╰──▶ uncertain  (found `sending` after a crash)
///   ╰──▶ skipped(reason)        uncertain ─▶ queued (on_uncertain: resend) | skipped(inDoubt)
/// ```
/// Every targeted recipient ends in exactly one of the final states:
/// `delivered`, `failed`, `expired`, `skipped`, or `accepted` when no
/// delivery report ever comes. Each step is written before the next acts on
/// it: `sending` before the gateway call, the outcome after.
public enum LedgerState: String, Sendable, Hashable, Codable, CaseIterable {
    case queued
    case sending
    case accepted
    case delivered
    case failed
    case expired
    case skipped
    case uncertain

    /// Whether the ledger allows moving from `self` to `next`. Staying in
    /// the same state is not a transition.
    public func canMove(to next: LedgerState) -> Bool {
        Self.allowed[self]?.contains(next) ?? false
    }

    /// The states reachable from `self` in one step.
    public var successors: Set<LedgerState> { Self.allowed[self] ?? [] }

    /// No further step is planned (a late delivery report may still turn
    /// `accepted` into `delivered`, so it is not final).
    public var isFinal: Bool { successors.isEmpty }

    /// A message in this state may have reached the person: it counts toward
    /// frequency caps. `uncertain` counts too — in doubt, assume it went.
    public var mayHaveReachedRecipient: Bool {
        switch self {
        case .sending, .accepted, .delivered, .uncertain: true
        case .queued, .failed, .expired, .skipped: false
        }
    }

    private static let allowed: [LedgerState: Set<LedgerState>] = [
        .queued: [.sending, .skipped],
        .sending: [.accepted, .failed, .queued, .uncertain],
        .accepted: [.delivered, .failed, .expired],
        .uncertain: [.queued, .skipped],
    ]
}

/// A move the ledger refused because the state machine does not allow it.
public struct LedgerTransitionError: Error, Sendable, Equatable, CustomStringConvertible {
    public var messageID: String
    public var from: LedgerState
    public var to: LedgerState

    public init(messageID: String, from: LedgerState, to: LedgerState) {
        self.messageID = messageID
        self.from = from
        self.to = to
    }

    public var description: String {
        "message \(messageID) cannot go from \(from.rawValue) to \(to.rawValue)"
    }
}
