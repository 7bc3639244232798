import Foundation
import Testing
@testable import OutreachCore

@Suite("Quiet periods: the hours a queued send waits out")
struct QuietPeriodTests {
    let riyadh = TimeZone(identifier: "Asia/Riyadh")!
    let quiet = TimeWindow("22:00-09:00")!

    func instant(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test("the first quiet stretch after the due time, in the recipient's zone")
    func firstStretch() {
        // 21:30 Riyadh: quiet from 22:00 that evening to 09:00 the next morning.
        let period = QuietPeriod(after: instant("2026-11-29T18:30:00Z"), window: quiet, in: riyadh)
        #expect(period.from == instant("2026-11-29T19:00:00Z"))
        #expect(period.until == instant("2026-11-30T06:00:00Z"))
        // Due exactly at 22:00 (an urgent send): the next evening's.
        let late = QuietPeriod(after: instant("2026-11-29T19:00:00Z"), window: quiet, in: riyadh)
        #expect(late.from == instant("2026-11-30T19:00:00Z"))
        // A daytime window in New York.
        let newYork = QuietPeriod(after: instant("2026-11-29T14:00:00Z"), window: TimeWindow("13:00-14:00")!,
                                  in: TimeZone(identifier: "America/New_York")!)
        #expect(newYork.from == instant("2026-11-29T18:00:00Z"))
        #expect(newYork.until == instant("2026-11-29T19:00:00Z"))
    }

    @Test("inside this stretch or the same hours on a later day; sending resumes at its end")
    func containsAndOpening() {
        let period = QuietPeriod(after: instant("2026-11-29T18:30:00Z"), window: quiet, in: riyadh)
        #expect(!period.contains(instant("2026-11-29T18:59:59Z")))
        #expect(period.contains(instant("2026-11-29T19:00:00Z")))
        #expect(period.contains(instant("2026-11-30T05:59:59Z")))
        #expect(!period.contains(instant("2026-11-30T06:00:00Z")))
        #expect(!period.contains(instant("2026-11-30T18:00:00Z")))
        #expect(period.contains(instant("2026-12-02T23:00:00Z")))
        #expect(period.opening(after: instant("2026-12-02T23:00:00Z")) == instant("2026-12-03T06:00:00Z"))
        #expect(period.opening(after: instant("2026-11-30T12:00:00Z")) == instant("2026-11-30T12:00:00Z"))
    }

    @Test("held hours: quiet hours and the hours outside the sending window, joined; none for an urgent campaign")
    func heldHours() {
        var schedule = CampaignSchedule(timeZone: "Asia/Riyadh", quietHours: quiet)
        #expect(schedule.heldHours == quiet)
        schedule.window = TimeWindow("08:00-20:00")
        #expect(schedule.heldHours == TimeWindow("20:00-09:00"))
        schedule.window = TimeWindow("10:00-12:00")
        #expect(schedule.heldHours == TimeWindow("12:00-10:00"))
        schedule.urgent = true
        #expect(schedule.heldHours == TimeWindow("12:00-10:00"))
        schedule.window = nil
        #expect(schedule.heldHours == nil)
        // Apart: the window's complement alone.
        #expect(TimeWindow("01:00-02:00")!.joined(with: TimeWindow("05:00-06:00")!) == nil)
        #expect(TimeWindow("23:00-01:00")!.joined(with: TimeWindow("00:30-03:00")!) == TimeWindow("23:00-03:00"))
    }
}
