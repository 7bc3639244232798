public import Foundation
import OutreachCore
import Synchronization

/// The scheduler's idea of now. Production uses the wall clock; tests and
/// `outreach run --clock` run a schedule in accelerated time, so a week of
/// sends plays out in seconds with every rule (quiet hours, zones) intact.
public protocol SchedulerClock: Sendable {
    func now() -> Date
    /// Sleeps until `instant` on this clock (throws when cancelled).
    func sleep(until instant: Date) async throws
}

/// The real clock, for `outreach run` without `--at`/`--speed`.
public struct WallClock: SchedulerClock {
    public init() {}
    public func now() -> Date { Date() }
    public func sleep(until instant: Date) async throws {
        let seconds = instant.timeIntervalSinceNow
        if seconds > 0 { try await Task.sleep(for: SaturatingTime.duration(seconds: seconds)) }
    }
}

/// Virtual time for rehearsals (`--at 2027-03-01T06:00:00Z --speed 3600`):
/// waiting is compressed `speed` times — an hour's sleep takes a second —
/// while work runs at real speed, so materialising a million sends never
/// makes the scheduler "late" for the next one.
public final class AcceleratedClock: SchedulerClock, Sendable {
    public let speed: Double
    /// The virtual instant `base` was at the real instant `realBase`.
    private let anchor: Mutex<(base: Date, realBase: ContinuousClock.Instant)>

    public init(start: Date, speed: Double) {
        self.speed = max(speed, 0.000_001)
        anchor = Mutex((start, ContinuousClock.now))
    }

    public func now() -> Date {
        anchor.withLock { $0.base.addingTimeInterval(Self.seconds(ContinuousClock.now - $0.realBase)) }
    }

    public func sleep(until instant: Date) async throws {
        let virtual = instant.timeIntervalSince(now())
        guard virtual > 0 else { return }
        // Saturating: a far-off wake (a year ahead at speed 1e-6) must not trap converting to milliseconds.
        try await Task.sleep(for: SaturatingTime.duration(seconds: virtual / speed) + .milliseconds(1))
        anchor.withLock { $0 = (instant, ContinuousClock.now) }
    }

    private static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
