import ArgumentParser
import Foundation
import OutreachCore
import OutreachScheduler

/// `--at` / `--clock` / `--speed`: the instant commands act at. Real time
/// by default; tests and demos fix it or run it faster.
struct ClockOptions: ParsableArguments {
    @Option(name: [.customLong("at"), .customLong("clock")],
            help: "Act as if it were now this instant (ISO 8601, e.g. 2027-03-01T06:00:00Z); time flows on from it, --speed times faster with `run`. For tests and rehearsals.")
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
        if let speed, speed <= 0 { throw OutreachError(.invalidValue, "--speed must be more than 0") }
        // Time flows from --at (at real speed unless --speed says otherwise).
        return AcceleratedClock(start: start, speed: speed ?? 1)
    }

    static func instant(_ text: String) -> Date? {
        let f = ISO8601DateFormatter()
        if let d = f.date(from: text) { return d }
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.date(from: text)
    }
}
