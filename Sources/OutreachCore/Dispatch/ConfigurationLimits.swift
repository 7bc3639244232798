/// The ranges the project's durations, rates and sizes must fall in. The
/// loader checks every configured value against them, so `outreach
/// validate` reports a value that would hang or crash a send; the README's
/// Gateways and Campaigns sections document them.
public enum ConfigurationLimits {
    /// `timeout`, `connect_timeout`: 1 ms to 10 minutes.
    public static let timeoutSeconds: ClosedRange<Double> = 0.001...600
    /// `retry.backoff`, `retry.max_backoff`: 1 ms to 1 day.
    public static let backoffSeconds: ClosedRange<Double> = 0.001...86_400
    /// `retry.deadline`: 1 ms to 7 days.
    public static let retryDeadlineSeconds: ClosedRange<Double> = 0.001...604_800
    /// `breaker.open_for`, `breaker.max_open_for`: 1 ms to 1 day.
    public static let breakerOpenSeconds: ClosedRange<Double> = 0.001...86_400
    /// A gateway's `rate` and a campaign's `throttle`, per second: at least
    /// one message an hour, at most a million a second.
    public static let messagesPerSecond: ClosedRange<Double> = (1.0 / 3600)...1_000_000
    /// SMS parts one message may cost (`max_parts`): concatenated SMS count
    /// their parts in one byte, so no handset joins more than 255.
    public static let maxParts: ClosedRange<Int> = 1...255
    /// `max_parts` when neither the project nor the campaign sets it.
    public static let defaultMaxParts = 10

    /// `0.001` → `1ms`, `600` → `10m`, `86400` → `24h`: a bound as the
    /// files write durations.
    public static func describe(seconds: Double) -> String {
        if seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
        if seconds >= 3600, seconds.truncatingRemainder(dividingBy: 3600) == 0 { return "\(Int(seconds / 3600))h" }
        if seconds >= 60, seconds.truncatingRemainder(dividingBy: 60) == 0 { return "\(Int(seconds / 60))m" }
        return "\(Int(seconds.rounded()))s"
    }

    /// `1/h` to `1000000/s`.
    public static func describe(rate: ClosedRange<Double>) -> String {
        "\(describe(perSecond: rate.lowerBound)) to \(describe(perSecond: rate.upperBound))"
    }

    private static func describe(perSecond: Double) -> String {
        if perSecond >= 1 { return "\(Int(perSecond))/s" }
        if perSecond * 60 >= 1 { return "\(Int((perSecond * 60).rounded()))/min" }
        return "\(Int((perSecond * 3600).rounded()))/h"
    }
}
