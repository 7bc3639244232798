import ArgumentParser
import Foundation
import OutreachCore
import OutreachScheduler

/// `--at` / `--clock` / `--speed`: the instant commands act at. Real time
/// by default; tests and demos fix it or run it faster.
struct ClockOptions: ParsableArguments {
    @Option(name: [.customLong("at"), .customLong("clock")],
            help: "Act as if it were this instant (ISO 8601, e.g. 2027-03-01T06:00:00Z); with --speed, where the accelerated clock starts. For tests and rehearsals.")
    var at: String?

    @Option(name: .long, help: "With `run`: run in accelerated time, this many seconds per real second (needs --at as the start).")
    var speed: Double?

    func clock() throws(OutreachError) -> any SchedulerClock {
        guard let at else {
            if speed != nil { throw OutreachError(.invalidValue, "--speed needs --at, the virtual start time") }
            return WallClock()
        }
        guard let start = Self.instant(at) else {
            throw OutreachError(.invalidValue, "--at '\(at)' is not an ISO 8601 instant", hint: "write e.g. 2027-03-01T06:00:00Z or 2027-03-01T09:00:00+03:00")
        }
        if let speed {
            guard speed > 0 else { throw OutreachError(.invalidValue, "--speed must be more than 0") }
            return AcceleratedClock(start: start, speed: speed)
        }
        return FixedClock(start)
    }

    static func instant(_ text: String) -> Date? {
        let f = ISO8601DateFormatter()
        if let d = f.date(from: text) { return d }
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.date(from: text)
    }
}

/// A clock that stands still (`--at` without `--speed`): `run --once` at a
/// chosen instant.
struct FixedClock: SchedulerClock {
    let instant: Date
    init(_ instant: Date) { self.instant = instant }
    func now() -> Date { instant }
    func sleep(until instant: Date) async throws {
        try await Task.sleep(for: .milliseconds(10))
    }
}
