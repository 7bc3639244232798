public import Foundation

/// The scheduler's idea of now. Production uses the wall clock; tests and
/// `outreach run --clock` run a schedule in accelerated time, so a week of
/// sends plays out in seconds with every rule (quiet hours, zones) intact.
public protocol SchedulerClock: Sendable {
    func now() -> Date
    /// Sleeps until `instant` on this clock (throws when cancelled).
    func sleep(until instant: Date) async throws
}

public struct WallClock: SchedulerClock {
    public init() {}
    public func now() -> Date { Date() }
    public func sleep(until instant: Date) async throws {
        let seconds = instant.timeIntervalSinceNow
        if seconds > 0 { try await Task.sleep(for: .milliseconds(Int64(seconds * 1000))) }
    }
}

/// Virtual time that starts at `start` and runs `speed` times faster than
/// real time (`--clock 2027-03-01T06:00:00Z --speed 3600`: an hour a second).
public struct AcceleratedClock: SchedulerClock {
    public let start: Date
    public let speed: Double
    private let origin: ContinuousClock.Instant

    public init(start: Date, speed: Double) {
        self.start = start
        self.speed = max(speed, 0.000_001)
        self.origin = ContinuousClock.now
    }

    public func now() -> Date {
        let elapsed = ContinuousClock.now - origin
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return start.addingTimeInterval(seconds * speed)
    }

    public func sleep(until instant: Date) async throws {
        let virtual = instant.timeIntervalSince(now())
        if virtual > 0 { try await Task.sleep(for: .milliseconds(Int64(virtual / speed * 1000) + 1)) }
    }
}
