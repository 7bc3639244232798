public import OutreachCore

/// When to try a `retryable` message again: exponential back-off with full
/// jitter (a uniform delay between 0 and `initial × 2^(n-1)`, capped at
/// `max`), never earlier than the gateway's `Retry-After`, and not at all
/// after `maxAttempts` attempts or past the message's deadline.
public struct RetrySchedule: Sendable, Equatable {
    public var policy: RetryPolicy

    public init(_ policy: RetryPolicy) { self.policy = policy }

    /// The back-off ceiling after `attempts` attempts (1 for the first).
    public func ceiling(afterAttempt attempts: Int) -> Double {
        let exponent = Double(max(0, attempts - 1))
        let raw = policy.initialBackoffSeconds * Double.pow2(exponent)
        return max(0, min(policy.maxBackoffSeconds, raw))
    }

    /// The delay before the next attempt. `jitter` is a uniform draw in
    /// [0, 1]; `retryAfter` is what the gateway asked for, if anything.
    public func delay(afterAttempt attempts: Int, jitter: Double, retryAfter: Double?) -> Double {
        let backoff = ceiling(afterAttempt: attempts) * min(1, max(0, jitter))
        guard let retryAfter, retryAfter.isFinite, retryAfter > 0 else { return backoff }
        return max(backoff, retryAfter)
    }

    /// Why there is no next attempt, or nil when there is one at `retryAt`.
    /// `firstAttempt` is when the message's first attempt left.
    public func giveUp(attempts: Int, firstAttempt: Double, retryAt: Double) -> String? {
        if attempts >= policy.maxAttempts {
            return "gave up after \(attempts) attempt\(attempts == 1 ? "" : "s")"
        }
        if retryAt - firstAttempt > policy.deadlineSeconds {
            return "gave up: next attempt would be past the \(Self.format(policy.deadlineSeconds)) retry deadline"
        }
        return nil
    }

    static func format(_ seconds: Double) -> String {
        // Past this `Int(…)` could trap; such a deadline is shown as written.
        guard seconds.isFinite, abs(seconds) < 1e15 else { return "\(seconds) s" }
        if seconds >= 3600, seconds.truncatingRemainder(dividingBy: 3600) == 0 { return "\(Int(seconds / 3600)) h" }
        if seconds >= 60, seconds.truncatingRemainder(dividingBy: 60) == 0 { return "\(Int(seconds / 60)) min" }
        return seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\(seconds) s"
    }
}

extension Double {
    /// 2^x for whole x ≥ 0, saturating instead of overflowing.
    static func pow2(_ x: Double) -> Double {
        x >= 1000 ? .greatestFiniteMagnitude : Double(sign: .plus, exponent: Int(x), significand: 1)
    }
}
