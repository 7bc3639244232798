public import OutreachCore

/// A smooth token bucket: at most `burst` attempts leave back to back, then
/// one every `1 / perSecond` seconds. Over any window of `w` seconds it lets
/// through at most `burst + perSecond × w` attempts.
///
/// Pure value; the dispatcher owns one per gateway and passes the time in.
public struct TokenBucket: Sendable, Equatable {
    public let perSecond: Double
    public let burst: Int
    private var tokens: Double
    private var updated: Double

    /// Starts full (`burst` tokens) at time `now`.
    public init(_ limit: RateLimit, now: Double) {
        // Finite and positive whatever the caller passes: an infinite rate
        // would make every refill NaN and the dispatcher spin.
        perSecond = limit.perSecond.isNaN ? 1e-9 : min(max(limit.perSecond, 1e-9), 1e12)
        burst = max(1, limit.burst)
        tokens = Double(burst)
        updated = now
    }

    private func tokens(at now: Double) -> Double {
        guard now > updated else { return tokens }
        return min(Double(burst), tokens + (now - updated) * perSecond)
    }

    private mutating func refill(_ now: Double) {
        guard now > updated else { return }
        tokens = tokens(at: now)
        updated = now
    }

    /// Takes one token when there is one.
    public mutating func take(now: Double) -> Bool {
        refill(now)
        // A hair of tolerance so float rounding never costs a whole period.
        guard tokens >= 1 - 1e-9 else { return false }
        tokens = max(0, tokens - 1)
        return true
    }

    /// When the next token will be there (`now`, if one is).
    public func nextToken(now: Double) -> Double {
        let available = tokens(at: now)
        if available >= 1 - 1e-9 { return now }
        return max(now, updated) + (1 - available) / perSecond
    }
}
