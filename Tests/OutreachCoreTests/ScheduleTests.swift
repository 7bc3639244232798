import Foundation
import Testing
@testable import OutreachCore

private func day(_ s: String) -> Day { Day(iso: s)! }
private func at(_ s: String) -> LocalDateTime { LocalDateTime(s)! }
private func utc(_ s: String) -> Date { ISO8601DateFormatter().date(from: s)! }

@Suite("Schedule arithmetic")
struct ScheduleTests {
    @Test("intervals parse with sign and unit", arguments: [
        ("7d", ScheduleInterval.days(7)), ("1w", .days(7)), ("-7d", .days(-7)), ("+2w", .days(14)),
        ("1mo", .months(1)), ("-3mo", .months(-3)), (" 30d ", .days(30)),
    ])
    func intervalParsing(text: String, expected: ScheduleInterval) {
        #expect(ScheduleInterval(text) == expected)
    }

    @Test("malformed intervals are rejected", arguments: ["7", "d", "7x", "1.5d", "--7d", "", "7 d"])
    func badIntervals(text: String) {
        #expect(ScheduleInterval(text) == nil)
    }

    @Test("months clamp at month ends and stay anchored on the first day")
    func monthArithmetic() {
        let jan31 = day("2027-01-31")
        #expect(ScheduleInterval.months(1).advance(jan31) == day("2027-02-28"))
        #expect(ScheduleInterval.months(1).advance(jan31, times: 2) == day("2027-03-31"))
        #expect(ScheduleInterval.months(1).advance(day("2028-01-31")) == day("2028-02-29"))
        #expect(ScheduleInterval.months(-1).advance(day("2027-03-31")) == day("2027-02-28"))
        #expect(ScheduleInterval.months(12).advance(day("2024-02-29")) == day("2025-02-28"))
        #expect(ScheduleInterval.months(-13).advance(day("2027-01-15")) == day("2025-12-15"))
    }

    @Test("an overnight quiet window contains late evening and early morning only")
    func quietWindow() {
        let quiet = TimeWindow("22:00-09:00")!
        #expect(quiet.contains(LocalTime("23:00")!))
        #expect(quiet.contains(LocalTime("22:00")!))
        #expect(quiet.contains(LocalTime("08:59")!))
        #expect(!quiet.contains(LocalTime("09:00")!))
        #expect(!quiet.contains(LocalTime("21:59")!))
        #expect(quiet.firstMomentAfter(at("2027-01-05 23:30")) == at("2027-01-06 09:00"))
        #expect(quiet.firstMomentAfter(at("2027-01-05 02:00")) == at("2027-01-05 09:00"))
        #expect(quiet.firstMomentAfter(at("2027-01-05 12:00")) == at("2027-01-05 12:00"))
        #expect(TimeWindow("09:00-09:00") == nil)
        #expect(TimeWindow("9-17") == nil)
    }

    @Test("a send in quiet hours moves to the window's end, then past a skipped Friday")
    func quietHoursThenSkippedDay() {
        // 2027-01-07 is a Thursday.
        let schedule = CampaignSchedule(timeZone: "Asia/Riyadh", quietHours: TimeWindow("22:00-09:00"), skipDays: [.friday])
        let (local, adjustments) = SchedulePlanner(schedule).adjust(at("2027-01-07 23:15"))
        #expect(local == at("2027-01-09 09:00"))
        #expect(adjustments == [.quietHours(TimeWindow("22:00-09:00")!), .skippedDay(.friday)])
    }

    @Test("urgent campaigns ignore quiet hours but not skipped dates")
    func urgent() {
        var schedule = CampaignSchedule(timeZone: "Asia/Riyadh", quietHours: TimeWindow("22:00-09:00"),
                                        skipDates: [day("2027-01-08")])
        schedule.urgent = true
        let planner = SchedulePlanner(schedule)
        #expect(planner.adjust(at("2027-01-07 23:15")).0 == at("2027-01-07 23:15"))
        #expect(planner.adjust(at("2027-01-08 23:15")).0 == at("2027-01-09 23:15"))
    }

    @Test("a sending window moves early sends to its start and late ones to the next day")
    func sendingWindow() {
        let schedule = CampaignSchedule(timeZone: "Asia/Riyadh", window: TimeWindow("10:00-16:00"))
        let planner = SchedulePlanner(schedule)
        #expect(planner.adjust(at("2027-01-07 08:00")).0 == at("2027-01-07 10:00"))
        #expect(planner.adjust(at("2027-01-07 16:00")).0 == at("2027-01-08 10:00"))
        #expect(planner.adjust(at("2027-01-07 12:00")).1.isEmpty)
    }

    @Test("monthly repetition over month ends")
    func monthlyOccurrences() {
        let schedule = CampaignSchedule(timeZone: "Asia/Riyadh", start: at("2027-01-31 09:00"),
                                        repetition: .init(every: .months(1), times: 4))
        let days = SchedulePlanner(schedule).occurrences().map(\.local.day.iso)
        #expect(days == ["2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30"])
    }

    @Test("until bounds a repetition; from/through select a range")
    func untilAndRange() {
        let schedule = CampaignSchedule(timeZone: "Asia/Riyadh", start: at("2027-01-01 10:00"),
                                        repetition: .init(every: .days(7), until: day("2027-01-20")))
        let planner = SchedulePlanner(schedule)
        #expect(planner.occurrences().map(\.local.day.iso) == ["2027-01-01", "2027-01-08", "2027-01-15"])
        #expect(planner.occurrences(from: day("2027-01-05"), through: day("2027-01-10")).map(\.occurrence) == [1])
    }

    @Test("09:00 weekly stays 09:00 local across the London clock change; Riyadh has none")
    func daylightSaving() {
        let schedule = CampaignSchedule(timeZone: "Europe/London", start: at("2027-03-21 09:00"),
                                        repetition: .init(every: .days(7), times: 2))
        let london = TimeZone(identifier: "Europe/London")!
        let instants = SchedulePlanner(schedule).occurrences().map { $0.local.instant(in: london) }
        #expect(instants == [utc("2027-03-21T09:00:00Z"), utc("2027-03-28T08:00:00Z")])
        let riyadh = TimeZone(identifier: "Asia/Riyadh")!
        #expect(at("2027-03-28 09:00").instant(in: riyadh) == utc("2027-03-28T06:00:00Z"))
        // A time the spring-forward jump skips moves forward by the gap.
        #expect(at("2027-03-28 01:30").instant(in: london) == utc("2027-03-28T01:30:00Z"))
        // A time that happens twice in autumn is the first one.
        #expect(at("2027-10-31 01:30").instant(in: london) == utc("2027-10-31T00:30:00Z"))
        #expect(LocalDateTime(utc("2027-03-28T08:00:00Z"), in: london) == at("2027-03-28 09:00"))
    }

    @Test("weekday names in English and Arabic")
    func weekdays() {
        #expect(Weekday(name: "Friday") == .friday)
        #expect(Weekday(name: "fri") == .friday)
        #expect(Weekday(name: "الجمعة") == .friday)
        #expect(Weekday(name: "السبت") == .saturday)
        #expect(Weekday(name: "funday") == nil)
        #expect(Weekday(day("2027-01-08")) == .friday)
    }

    @Test("local date-times parse with T or a space")
    func localDateTimes() {
        #expect(LocalDateTime("2027-08-22T17:00") == LocalDateTime(day: day("2027-08-22"), time: LocalTime(hour: 17, minute: 0)!))
        #expect(LocalDateTime("2027-08-22 17:00") != nil)
        #expect(LocalDateTime("2027-08-22")?.time == LocalTime(hour: 0, minute: 0))
        #expect(LocalDateTime("2027-08-22T25:00") == nil)
        #expect(LocalDateTime("2027-02-30T10:00") == nil)
    }
}
