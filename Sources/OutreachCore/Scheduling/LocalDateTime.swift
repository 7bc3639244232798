public import Foundation

/// A date and wall-clock time with no zone: what a campaign file says
/// ("2027-08-22T17:00") and what a recipient experiences locally.
public struct LocalDateTime: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var day: Day
    public var time: LocalTime

    public init(day: Day, time: LocalTime) {
        self.day = day
        self.time = time
    }

    /// Parses `YYYY-MM-DDTHH:MM`, `YYYY-MM-DD HH:MM`, or `YYYY-MM-DD` (midnight).
    public init?(_ text: some StringProtocol) {
        let s = text.trimmingCharacters(in: .whitespaces)
        if s.count == 10, let day = Day(iso: s) {
            self.init(day: day, time: LocalTime(hour: 0, minute: 0)!)
            return
        }
        guard s.count >= 15 else { return nil }
        let datePart = s.prefix(10)
        let separator = s[s.index(s.startIndex, offsetBy: 10)]
        guard separator == "T" || separator == " ", let day = Day(iso: datePart),
              let time = LocalTime(s.dropFirst(11)) else { return nil }
        self.init(day: day, time: time)
    }

    public var description: String { "\(day.iso) \(time)" }

    public static func < (a: LocalDateTime, b: LocalDateTime) -> Bool {
        (a.day, a.time.minutes) < (b.day, b.time.minutes)
    }

    /// The instant this wall-clock time names in `zone`. A time that does
    /// not exist (skipped by a daylight-saving jump) moves forward by the
    /// gap; a time that happens twice (clocks going back) is the first.
    public func instant(in zone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = day.components
        return calendar.date(from: DateComponents(year: c.year, month: c.month, day: c.day,
                                                  hour: time.hour, minute: time.minute))!
    }

    /// The wall-clock time of `instant` in `zone`.
    public init(_ instant: Date, in zone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: instant)
        self.init(day: Day(year: c.year!, month: c.month!, day: c.day!)!, time: LocalTime(hour: c.hour!, minute: c.minute!)!)
    }
}
