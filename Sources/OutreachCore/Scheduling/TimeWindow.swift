/// A daily span of wall-clock time, possibly across midnight
/// (`22:00-09:00`). Used both for quiet hours (never send inside) and for
/// a campaign's sending window (only send inside).
public struct TimeWindow: Sendable, Hashable, CustomStringConvertible {
    public var start: LocalTime
    public var end: LocalTime

    public init(start: LocalTime, end: LocalTime) {
        self.start = start
        self.end = end
    }

    /// Parses `HH:MM-HH:MM`; start and end must differ.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "-")
        guard parts.count == 2, let s = LocalTime(parts[0]), let e = LocalTime(parts[1]), s != e else { return nil }
        self.init(start: s, end: e)
    }

    /// Whether `time` falls inside (start included, end excluded).
    public func contains(_ time: LocalTime) -> Bool {
        if start < end { return time >= start && time < end }
        return time >= start || time < end
    }

    /// The first moment at or after `moment` that is outside the window:
    /// its end, today or tomorrow. `moment` itself when already outside.
    public func firstMomentAfter(_ moment: LocalDateTime) -> LocalDateTime {
        guard contains(moment.time) else { return moment }
        // Inside an overnight window before midnight: the end is tomorrow.
        if start > end && moment.time >= start {
            return LocalDateTime(day: moment.day.adding(days: 1), time: end)
        }
        return LocalDateTime(day: moment.day, time: end)
    }

    /// The first moment at or after `moment` that is inside the window.
    public func firstMomentWithin(_ moment: LocalDateTime) -> LocalDateTime {
        if contains(moment.time) { return moment }
        if start < end {
            return moment.time < start ? LocalDateTime(day: moment.day, time: start)
                                       : LocalDateTime(day: moment.day.adding(days: 1), time: start)
        }
        // Overnight window [start, 24:00) ∪ [00:00, end): outside means end <= t < start.
        return LocalDateTime(day: moment.day, time: start)
    }

    public var description: String { "\(start)-\(end)" }
}
