import OutreachCore

/// The time the dispatcher plans with: seconds since the clock's origin.
///
/// Injectable so tests run back-off, rate limits and cool-downs in virtual
/// time, deterministically and instantly.
public protocol DispatchClock: Sendable {
    /// Seconds since the clock's origin; never decreases.
    var now: Double { get }
    /// Returns at or after `deadline` (immediately when it has passed).
    /// Throws `CancellationError` when the task is cancelled.
    func sleep(until deadline: Double) async throws
}

/// Real time, from Swift's `ContinuousClock` (monotonic, counts suspension).
public struct SystemDispatchClock: DispatchClock {
    private let origin: ContinuousClock.Instant

    public init() { origin = ContinuousClock.now }

    public var now: Double { Self.seconds(ContinuousClock.now - origin) }

    public func sleep(until deadline: Double) async throws {
        let wait = deadline - now
        guard wait > 0 else {
            try Task.checkCancellation()
            return
        }
        // Saturating: a configured back-off or cool-down of centuries waits
        // "forever" instead of trapping on the conversion.
        try await Task.sleep(for: SaturatingTime.duration(seconds: wait))
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
