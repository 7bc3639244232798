/// Seconds as configured (a `Double`) turned into the integer units clocks
/// and libcurl take, without ever trapping.
///
/// `Int64(seconds * 1000)` traps past about 292 million years of
/// milliseconds (and on NaN or infinity); the loader keeps configured values
/// in sane ranges, but values built in code or a future key must not crash a
/// send in the middle of a campaign. Anything longer than `maxSeconds`
/// (about 31,700 years) is the same as forever to a clock.
public enum SaturatingTime {
    public static let maxSeconds: Double = 1e12

    /// `seconds` clamped to 0...`maxSeconds`; NaN is 0.
    public static func clamped(_ seconds: Double) -> Double {
        guard !seconds.isNaN else { return 0 }
        return min(max(seconds, 0), maxSeconds)
    }

    /// A `Duration` of `seconds`, rounded up to the nanosecond (a sleep never
    /// ends before the deadline it was computed for).
    public static func duration(seconds: Double) -> Duration {
        let value = clamped(seconds)
        let whole = value.rounded(.down)
        let nanoseconds = ((value - whole) * 1e9).rounded(.up)
        return .seconds(Int64(whole)) + .nanoseconds(Int64(nanoseconds))
    }

    /// Whole milliseconds of `seconds`, rounded up.
    public static func milliseconds(seconds: Double) -> Int {
        Int((clamped(seconds) * 1000).rounded(.up))
    }

    /// Whole milliseconds of `duration`, rounded up and saturating (a
    /// `Duration` can hold far more milliseconds than an `Int`).
    public static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return 0 }
        return milliseconds(seconds: Double(seconds) + Double(attoseconds) / 1e18)
    }
}
