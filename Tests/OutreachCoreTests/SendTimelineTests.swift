import Foundation
import Testing
import OutreachCore

private func utc(_ s: String) -> Date { ISO8601DateFormatter().date(from: s)! }

/// What the scheduler materialises at an instant: per recipient, in their
/// own zone, never before launch, too-late sends flagged.
@Suite("Send timeline")
struct SendTimelineTests {
    let schema = PopulationSchema(idField: "id", fields: ["appointment": .date, "timezone": .text])
    let csv = """
        id,appointment,timezone
        1,2027-03-10,
        2,2027-03-10,Europe/London
        3,,
        4,2027-03-20,Asia/Riyadh
        """

    func campaign(_ schedule: CampaignSchedule) -> CampaignDefinition {
        CampaignDefinition(name: "c", title: "c", segments: [.init(name: "all", audience: "all", template: "t")],
                           channels: [.sms], schedule: schedule)
    }

    @Test("relative sends: due per person at 09:00 in their own zone, keyed by offset and date")
    func relative() throws {
        let (population, _) = try importPopulation(csv, schema: schema)
        let schedule = CampaignSchedule(timeZone: "Asia/Riyadh",
                                        relative: .init(field: "appointment", offsets: [.days(-7), .days(-1)], at: LocalTime("09:00")!))
        let timeline = try #require(SendTimeline(campaign(schedule)))
        let all = RowSet(rows: 0..<population.count, capacity: population.count)
        // 2027-03-03 09:00 Riyadh = 06:00Z; London 09:00 = 09:00Z.
        var (due, next) = timeline.due(rows: all, population: population, after: utc("2027-01-01T00:00:00Z"),
                                       now: utc("2027-03-03T06:30:00Z"))
        #expect(due.map(\.row) == [0])
        #expect(due.first?.occurrence == "-7d@2027-03-10")
        #expect(due.first?.dueAt == utc("2027-03-03T06:00:00Z"))
        #expect(due.first?.tooLate == false)
        #expect(next == utc("2027-03-03T09:00:00Z"))   // London's 09:00
        (due, next) = timeline.due(rows: all, population: population, after: utc("2027-01-01T00:00:00Z"),
                                   now: utc("2027-03-03T09:00:00Z"))
        #expect(Set(due.map(\.row)) == [0, 1])
        #expect(due.first { $0.row == 1 }?.timeZone == "Europe/London")
        #expect(next == utc("2027-03-09T06:00:00Z"))
    }

    @Test("nothing before the launch; overdue sends beyond the lateness are flagged too late")
    func launchAndLateness() throws {
        let (population, _) = try importPopulation(csv, schema: schema)
        let schedule = CampaignSchedule(timeZone: "Asia/Riyadh",
                                        relative: .init(field: "appointment", offsets: [.days(-7), .days(-1)], at: LocalTime("09:00")!))
        let timeline = try #require(SendTimeline(campaign(schedule)))
        let all = RowSet(rows: 0..<population.count, capacity: population.count)
        // Launched after row 0's -7d send: it is never targeted.
        let (due, _) = timeline.due(rows: all, population: population, after: utc("2027-03-04T00:00:00Z"),
                                    now: utc("2027-03-10T06:00:00Z"))
        #expect(!due.contains { $0.row == 0 && $0.occurrence.hasPrefix("-7d") })
        // Row 0's -1d send was at 2027-03-09T06:00Z: a day late is too late.
        let late = due.first { $0.row == 0 && $0.occurrence == "-1d@2027-03-10" }
        #expect(late?.tooLate == true)
        // Row 1 (London) -1d at 2027-03-09T09:00Z, 21h before: too late as well (over 12h).
        #expect(due.first { $0.row == 1 && $0.occurrence == "-1d@2027-03-10" }?.tooLate == true)
    }

    @Test("fixed weekly occurrences: quiet hours move them, each due once per person")
    func fixed() throws {
        let (population, _) = try importPopulation(csv, schema: schema)
        let schedule = CampaignSchedule(timeZone: "Asia/Riyadh", start: LocalDateTime("2027-03-01T08:00")!,
                                        repetition: .init(every: .days(7), times: 3),
                                        quietHours: TimeWindow("22:00-09:00"))
        let timeline = try #require(SendTimeline(campaign(schedule)))
        let all = RowSet(rows: 0..<population.count, capacity: population.count)
        let launched = utc("2027-02-28T00:00:00Z")
        var (due, next) = timeline.due(rows: all, population: population, after: launched, now: utc("2027-03-01T05:59:00Z"))
        #expect(due.isEmpty)
        #expect(next == utc("2027-03-01T06:00:00Z"))   // 08:00 moved to 09:00 Riyadh
        (due, next) = timeline.due(rows: all, population: population, after: launched, now: utc("2027-03-08T07:00:00Z"))
        // Riyadh rows 0, 2, 3 have #1 and #2; London row 1 has #1 only (its #2 is at 09:00Z).
        #expect(due.filter { $0.occurrence == "#1" }.count == 4)
        #expect(Set(due.filter { $0.occurrence == "#2" }.map(\.row)) == [0, 2, 3])
        #expect(due.first { $0.occurrence == "#1" && $0.row == 0 }?.tooLate == true)
        #expect(due.first { $0.occurrence == "#2" && $0.row == 0 }?.tooLate == false)
        #expect(next == utc("2027-03-08T09:00:00Z"))
    }

    @Test("late_within parses hours, days and weeks", arguments: [
        ("12h", 43_200), ("1d", 86_400), ("2w", 1_209_600), (" 36H ", 129_600), ("0h", 0),
    ] as [(String, Double)])
    func lateWithinParsing(text: String, seconds: Double) {
        #expect(LateWithin(text)?.seconds == seconds)
    }

    @Test("malformed or over-long late_within is rejected", arguments: ["1", "d", "-1d", "1.5d", "1mo", "3x", "", "1 d", "400d", "60w"])
    func badLateWithin(text: String) {
        #expect(LateWithin(text) == nil)
    }

    @Test("a send that passed before the launch is late within late_within, else passed; the launch's own minute is upcoming")
    func timingAtLaunch() {
        var schedule = CampaignSchedule(timeZone: "Asia/Riyadh", start: LocalDateTime("2027-03-03T09:00")!)
        let launch = utc("2027-03-03T06:01:37Z")
        #expect(SendTimeline.timing(of: utc("2027-03-03T06:01:00Z"), launchedAt: launch, schedule: schedule) == .upcoming)
        #expect(SendTimeline.timing(of: utc("2027-03-03T06:00:00Z"), launchedAt: launch, schedule: schedule) == .passed)
        schedule.lateWithin = LateWithin("1h")
        #expect(SendTimeline.timing(of: utc("2027-03-03T06:00:00Z"), launchedAt: launch, schedule: schedule) == .late)
        #expect(SendTimeline.timing(of: utc("2027-03-03T05:01:00Z"), launchedAt: launch, schedule: schedule) == .late)
        #expect(SendTimeline.timing(of: utc("2027-03-03T05:00:00Z"), launchedAt: launch, schedule: schedule) == .passed)
        #expect(SendTimeline.materialiseStart(launchedAt: launch, schedule: schedule) == utc("2027-03-03T05:01:00Z").addingTimeInterval(-0.001))
    }

    @Test("due from the first watermark returns exactly the sends timing calls late or upcoming", arguments: [nil, "2d", "12h"] as [String?])
    func dueAgreesWithTiming(late: String?) throws {
        let (population, _) = try importPopulation(csv, schema: schema)
        var schedule = CampaignSchedule(timeZone: "Asia/Riyadh",
                                        relative: .init(field: "appointment", offsets: [.days(-7), .days(-1)], at: LocalTime("09:00")!))
        schedule.lateWithin = late.flatMap { LateWithin($0) }
        let timeline = try #require(SendTimeline(campaign(schedule)))
        let all = RowSet(rows: 0..<population.count, capacity: population.count)
        // A launch at 10:00 Riyadh on 2027-03-04: row 0's -7d send (2027-03-03 09:00 Riyadh) passed 25 hours before,
        // row 1's (London) 22 hours before.
        let launch = utc("2027-03-04T07:00:00Z")
        var zones = timeline.recipientZones(population)
        var expected: Set<String> = []
        for row in 0..<population.count {
            guard case .date(let date)? = population.value(row: row, field: "appointment") else { continue }
            timeline.relativeSends(row: row, date: date, zones: &zones) { send in
                if send.dueAt <= launch, SendTimeline.timing(of: send.dueAt, launchedAt: launch, schedule: schedule) != .passed {
                    expected.insert("\(row) \(send.occurrence)")
                }
            }
        }
        let (due, _) = timeline.due(rows: all, population: population,
                                    after: SendTimeline.materialiseStart(launchedAt: launch, schedule: schedule), now: launch)
        #expect(Set(due.map { "\($0.row) \($0.occurrence)" }) == expected)
        switch late {
        case "2d": #expect(expected == ["0 -7d@2027-03-10", "1 -7d@2027-03-10"])
        case "12h": #expect(expected.isEmpty)
        default: #expect(expected.isEmpty)
        }
        // Sent at the launch, not flagged too late: late_within stretches the lateness.
        #expect(!due.contains { $0.tooLate })
    }

    @Test("a fixed start a minute before the launch: refused without late_within, launchable within it")
    func launchWindowHonoursLateWithin() {
        var schedule = CampaignSchedule(timeZone: "Asia/Riyadh", start: LocalDateTime("2026-12-07T20:21")!)
        let launch = utc("2026-12-07T17:22:00Z")
        #expect(LaunchWindow.refusal(schedule, now: launch)?.contains("every send of its schedule is in the past") == true)
        schedule.lateWithin = LateWithin("1h")
        #expect(LaunchWindow.refusal(schedule, now: launch) == nil)
        // A launch in the send's own minute is not refused either way.
        schedule.lateWithin = nil
        #expect(LaunchWindow.refusal(schedule, now: utc("2026-12-07T17:21:40Z")) == nil)
    }
}
