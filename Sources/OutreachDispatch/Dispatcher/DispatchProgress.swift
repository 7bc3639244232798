/// A snapshot of a dispatch run, for progress lines and the console.
public struct DispatchProgress: Sendable, Equatable, Codable {
    /// Seconds since the run started.
    public var elapsedSeconds: Double
    /// Messages expected in all, when the caller knows (for the ETA).
    public var total: Int?
    /// Messages taken from the source so far.
    public var taken: Int
    /// Messages whose first attempt has left.
    public var sent: Int
    /// Attempts made, retries included.
    public var attempts: Int
    public var inFlight: Int
    public var accepted: Int
    public var rejected: Int
    /// Given up on after retries.
    public var failed: Int
    /// Waiting for another attempt (back-off, `Retry-After`, or an open breaker).
    public var retrying: Int
    /// Messages finished per second over the last few seconds.
    public var ratePerSecond: Double
    /// Seconds until all `total` messages are finished at the current rate.
    public var etaSeconds: Double?
    /// Gateways whose circuit breaker is open or half-open right now.
    public var openBreakers: [String]

    public var finished: Int { accepted + rejected + failed }

    public init(elapsedSeconds: Double = 0, total: Int? = nil, taken: Int = 0, sent: Int = 0, attempts: Int = 0,
                inFlight: Int = 0, accepted: Int = 0, rejected: Int = 0, failed: Int = 0, retrying: Int = 0,
                ratePerSecond: Double = 0, etaSeconds: Double? = nil, openBreakers: [String] = []) {
        self.elapsedSeconds = elapsedSeconds
        self.total = total
        self.taken = taken
        self.sent = sent
        self.attempts = attempts
        self.inFlight = inFlight
        self.accepted = accepted
        self.rejected = rejected
        self.failed = failed
        self.retrying = retrying
        self.ratePerSecond = ratePerSecond
        self.etaSeconds = etaSeconds
        self.openBreakers = openBreakers
    }
}

/// What a dispatch run did, once it is over.
public struct DispatchSummary: Sendable, Equatable, Codable {
    /// How many messages share one reason (a gateway answer or a transport error), with a few ids.
    public struct Reason: Sendable, Equatable, Codable {
        public var reason: String
        public var count: Int
        /// A few message ids, to look up.
        public var examples: [String]
    }

    public var messages: Int
    public var accepted: Int
    public var rejected: Int
    public var failed: Int
    /// Taken from the source but not finished: the run was stopped or cancelled, or they waited behind an
    /// open circuit breaker past their retry deadline without ever leaving.
    public var unfinished: Int
    public var attempts: Int
    public var elapsedSeconds: Double
    /// Most frequent first.
    public var rejectedByReason: [Reason]
    public var failedByReason: [Reason]
    /// Times each gateway's circuit breaker opened.
    public var breakerOpenings: [String: Int]
    /// The unfinished messages' ids: none of them left after the last answer recorded for it (a ledger
    /// queues them again).
    public var unfinishedMessageIDs: [String] = []

    /// Messages finished per second over the whole run.
    public var ratePerSecond: Double {
        elapsedSeconds > 0 ? Double(accepted + rejected + failed) / elapsedSeconds : 0
    }
}
