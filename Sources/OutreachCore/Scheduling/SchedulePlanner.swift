public import Foundation

/// Turns a `CampaignSchedule` into concrete local send times, applying
/// skipped dates and days, quiet hours and the sending window.
///
/// Arithmetic is done on wall-clock dates and times, then converted to an
/// instant in the recipient's zone, so "09:00 every week" stays 09:00 across
/// daylight-saving changes (Europe/London) and month ends clamp
/// (31 January + 1 month = 28 February).
public struct SchedulePlanner: Sendable {
    public var schedule: CampaignSchedule

    public init(_ schedule: CampaignSchedule) { self.schedule = schedule }

    /// A send after the rules: where it was meant to be, where it lands, why.
    public struct PlannedSend: Sendable, Hashable {
        /// 0-based occurrence number (fixed schedules) or offset index (relative sends).
        public var occurrence: Int
        public var intended: LocalDateTime
        public var local: LocalDateTime
        public var adjustments: [ScheduleAdjustment]
    }

    /// Applies skipped dates/days, quiet hours and the window until the time
    /// satisfies all of them (each rule only ever moves forward).
    public func adjust(_ intended: LocalDateTime) -> (LocalDateTime, [ScheduleAdjustment]) {
        var t = intended
        var adjustments: [ScheduleAdjustment] = []
        for _ in 0..<64 {
            if schedule.skipDates.contains(t.day) {
                adjustments.append(.skippedDate(t.day))
                t = LocalDateTime(day: t.day.adding(days: 1), time: t.time)
                continue
            }
            let weekday = Weekday(t.day)
            if schedule.skipDays.contains(weekday) {
                adjustments.append(.skippedDay(weekday))
                t = LocalDateTime(day: t.day.adding(days: 1), time: t.time)
                continue
            }
            if !schedule.urgent, let quiet = schedule.quietHours, quiet.contains(t.time) {
                adjustments.append(.quietHours(quiet))
                t = quiet.firstMomentAfter(t)
                continue
            }
            if let window = schedule.window, !window.contains(t.time) {
                adjustments.append(.outsideWindow(window))
                t = window.firstMomentWithin(t)
                continue
            }
            break
        }
        return (t, adjustments)
    }

    /// The fixed occurrences whose intended day lies in `from...through`
    /// (all of them when the repetition ends; at most `limit`).
    public func occurrences(from: Day? = nil, through: Day? = nil, limit: Int = 1000) -> [PlannedSend] {
        guard let start = schedule.start else { return [] }
        var sends: [PlannedSend] = []
        var k = 0
        while sends.count < limit {
            if let times = schedule.repetition?.times, k >= times { break }
            if schedule.repetition == nil && k > 0 { break }
            let day = schedule.repetition.map { $0.every.advance(start.day, times: k) } ?? start.day
            if let until = schedule.repetition?.until, day > until { break }
            if let through, day > through { break }
            if k > 100_000 { break }
            let intended = LocalDateTime(day: day, time: start.time)
            if from.map({ day >= $0 }) ?? true {
                let (local, adjustments) = adjust(intended)
                sends.append(PlannedSend(occurrence: k, intended: intended, local: local, adjustments: adjustments))
            }
            k += 1
            if schedule.repetition == nil { break }
        }
        return sends
    }
}
