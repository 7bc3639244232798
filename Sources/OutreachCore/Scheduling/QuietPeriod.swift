public import Foundation

/// The first stretch of quiet hours after a send is due, in its recipient's
/// zone, repeating every 24 hours: the ledger keeps it with the entry so a
/// message still queued when quiet hours begin (a throttled campaign's
/// backlog, a gateway outage) waits for the morning instead of leaving at
/// night. Later nights are taken as the same stretch 24 hours on (a
/// daylight-saving change between them moves them by its hour).
public struct QuietPeriod: Sendable, Hashable, Codable {
    /// When the first quiet stretch begins and ends.
    public var from: Date
    public var until: Date

    public init(from: Date, until: Date) {
        self.from = from
        self.until = until
    }

    /// The first stretch of `window` that begins after `dueAt`, in `zone`.
    public init(after dueAt: Date, window: TimeWindow, in zone: TimeZone) {
        let local = LocalDateTime(dueAt, in: zone)
        var start = LocalDateTime(day: local.day, time: window.start)
        if start <= local { start = LocalDateTime(day: local.day.adding(days: 1), time: window.start) }
        let end = window.start < window.end ? LocalDateTime(day: start.day, time: window.end)
                                            : LocalDateTime(day: start.day.adding(days: 1), time: window.end)
        self.init(from: start.instant(in: zone), until: end.instant(in: zone))
    }

    static let day: TimeInterval = 86_400

    /// Whether `moment` falls in a quiet stretch (this one or one a whole number of days later).
    public func contains(_ moment: Date) -> Bool {
        guard moment >= from else { return false }
        let into = moment.timeIntervalSince(from).truncatingRemainder(dividingBy: Self.day)
        return into < until.timeIntervalSince(from)
    }

    /// When sending may resume: the end of the quiet stretch `moment` is in, or `moment` itself.
    public func opening(after moment: Date) -> Date {
        guard contains(moment) else { return moment }
        let nights = (moment.timeIntervalSince(from) / Self.day).rounded(.down)
        return until.addingTimeInterval(nights * Self.day)
    }
}

extension CampaignSchedule {
    /// The hours of each day a queued send must wait out: the quiet hours
    /// (unless `urgent`) and the hours outside the sending `window`, joined
    /// (the window's alone when they do not touch); nil when it may leave at
    /// any hour.
    public var heldHours: TimeWindow? {
        let quiet = urgent ? nil : quietHours
        let outside = window.map { TimeWindow(start: $0.end, end: $0.start) }
        switch (quiet, outside) {
        case (nil, nil): return nil
        case (let quiet?, nil): return quiet
        case (nil, let outside?): return outside
        case (let quiet?, let outside?): return quiet.joined(with: outside) ?? outside
        }
    }
}

extension TimeWindow {
    /// The one window covering both, when they overlap or touch (nil when
    /// they are apart, or together cover the whole day).
    public func joined(with other: TimeWindow) -> TimeWindow? {
        let day = 1440
        func arc(_ w: TimeWindow) -> (start: Int, length: Int) {
            (w.start.minutes, ((w.end.minutes - w.start.minutes) % day + day) % day)
        }
        let a = arc(self), b = arc(other)
        func union(_ a: (start: Int, length: Int), _ b: (start: Int, length: Int)) -> TimeWindow? {
            let offset = ((b.start - a.start) % day + day) % day
            guard offset <= a.length else { return nil }
            let length = max(a.length, offset + b.length)
            guard length < day, let start = LocalTime(hour: a.start / 60, minute: a.start % 60) else { return nil }
            let end = (a.start + length) % day
            guard let endTime = LocalTime(hour: end / 60, minute: end % 60) else { return nil }
            return TimeWindow(start: start, end: endTime)
        }
        return union(a, b) ?? union(b, a)
    }
}
