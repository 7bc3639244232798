public import OutreachCore
import Synchronization

/// A token bucket per source address: each holds up to `burst` requests and
/// fills at `perSecond`; a request takes one token or is refused with the
/// time until the next. Buckets that have filled up again are forgotten when
/// many sources are tracked, so a scan from many addresses cannot grow it
/// without bound.
public final class SourceRateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: Double
    }

    public let rate: RateLimit
    private let buckets = Mutex([String: Bucket]())
    private let start = ContinuousClock.now
    /// Past this many sources, full buckets are dropped.
    static let tracked = 50_000

    public init(_ rate: RateLimit) {
        self.rate = RateLimit(perSecond: max(rate.perSecond, 1e-9), burst: max(rate.burst, 1))
    }

    /// Seconds since the limiter was made (its clock).
    public var now: Double {
        let elapsed = start.duration(to: .now).components
        return Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
    }

    /// Takes a token for `source` at `now` (seconds on the limiter's clock): nil when the request may go
    /// ahead, else the seconds until it could.
    public func take(_ source: String, at now: Double) -> Double? {
        let perSecond = rate.perSecond, burst = Double(rate.burst)
        return buckets.withLock { buckets in
            var bucket = buckets[source] ?? Bucket(tokens: burst, updated: now)
            bucket.tokens = min(burst, bucket.tokens + max(0, now - bucket.updated) * perSecond)
            bucket.updated = now
            defer {
                buckets[source] = bucket
                if buckets.count > Self.tracked {
                    buckets = buckets.filter { $0.value.tokens + (now - $0.value.updated) * perSecond < burst }
                }
            }
            guard bucket.tokens >= 1 else { return (1 - bucket.tokens) / perSecond }
            bucket.tokens -= 1
            return nil
        }
    }
}
