import OutreachCore

/// Stops sending to a gateway that keeps failing: after `threshold`
/// consecutive retryable failures it opens for `coolDown` seconds (nothing is
/// sent; messages wait), then lets one trial attempt through (half-open).
/// The trial's success closes it; its failure opens it again, each time for
/// twice as long up to `maxCoolDown`.
///
/// A `rejected` answer counts as success here: the gateway is up and
/// answering, it just refused that message.
public struct CircuitBreaker: Sendable, Equatable {
    /// When the breaker opens (`threshold` failures in a row) and how long it stays open (doubling from
    /// `coolDownSeconds` up to `maxCoolDownSeconds`). Values are clamped to ones a clock can wait for.
    public struct Policy: Sendable, Equatable {
        public var threshold: Int
        public var coolDownSeconds: Double
        public var maxCoolDownSeconds: Double

        public init(threshold: Int = 5, coolDownSeconds: Double = 30, maxCoolDownSeconds: Double = 300) {
            self.threshold = max(1, threshold)
            // Clamped to what a clock can wait for: `now + coolDown` stays finite.
            self.coolDownSeconds = SaturatingTime.clamped(coolDownSeconds)
            self.maxCoolDownSeconds = max(self.coolDownSeconds, SaturatingTime.clamped(maxCoolDownSeconds))
        }
    }

    /// Closed (sending, counting failures in a row), open (waiting until a clock time), or half-open (one trial).
    public enum State: Sendable, Equatable {
        case closed(failures: Int)
        case open(until: Double)
        /// One trial attempt allowed; `trialInFlight` once it has left.
        case halfOpen(trialInFlight: Bool)
    }

    public let policy: Policy
    public private(set) var state: State = .closed(failures: 0)
    /// Times it has opened (for the report and tests).
    public private(set) var openings = 0
    private var currentCoolDown: Double

    public init(_ policy: Policy = Policy()) {
        self.policy = policy
        currentCoolDown = policy.coolDownSeconds
    }

    /// Whether an attempt may leave now (moves open → half-open when the cool-down is over).
    public mutating func allows(now: Double) -> Bool {
        switch state {
        case .closed: return true
        case .open(let until):
            guard now >= until else { return false }
            state = .halfOpen(trialInFlight: false)
            return true
        case .halfOpen(let trialInFlight): return !trialInFlight
        }
    }

    /// Records that an attempt left (call after `allows` said yes); true
    /// when it is the half-open trial, whose answer decides the state.
    public mutating func didStart() -> Bool {
        guard case .halfOpen = state else { return false }
        state = .halfOpen(trialInFlight: true)
        return true
    }

    /// When attempts may leave again, if the breaker is open.
    public var reopensAt: Double? {
        if case .open(let until) = state { return until }
        return nil
    }

    public var isOpen: Bool {
        if case .closed = state { return false }
        return true
    }

    /// The gateway answered (accepted or rejected). Answers to attempts
    /// that left before the breaker opened do not move an open or
    /// half-open breaker; only the trial's does.
    public mutating func recordSuccess(trial: Bool) {
        switch state {
        case .closed: state = .closed(failures: 0)
        case .halfOpen where trial:
            state = .closed(failures: 0)
            currentCoolDown = policy.coolDownSeconds
        case .halfOpen, .open: break
        }
    }

    /// A retryable failure (no answer, 429, 5xx, SMTP 4xx).
    public mutating func recordFailure(trial: Bool, now: Double) {
        switch state {
        case .closed(let failures):
            if failures + 1 >= policy.threshold { open(now) } else { state = .closed(failures: failures + 1) }
        case .halfOpen where trial:
            currentCoolDown = min(policy.maxCoolDownSeconds, currentCoolDown * 2)
            open(now)
        case .halfOpen, .open: break
        }
    }

    private mutating func open(_ now: Double) {
        state = .open(until: now + currentCoolDown)
        openings += 1
    }
}
