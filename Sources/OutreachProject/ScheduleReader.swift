import Foundation
import OutreachCore
import Yams

/// Reads a campaign's `schedule:` mapping into a `CampaignSchedule`, with
/// every mistake located in the file.
enum ScheduleReader {
    static let keys = ["timezone", "start", "repeat", "until", "relative_to", "offsets", "at", "late_within",
                       "window", "skip_days", "skip_dates", "urgent"]

    static func read(_ file: YAMLFile, _ node: Node, configuration: ProjectConfiguration) throws(OutreachError) -> CampaignSchedule {
        let map = try MappingReader(file, node, what: "a schedule")
        try map.rejectUnknownKeys(keys, what: "a schedule")
        var schedule = CampaignSchedule(timeZone: configuration.timeZone, quietHours: configuration.quietHours)

        if let zone = try map.string("timezone") {
            guard TimeZone(identifier: zone) != nil else {
                throw file.error(.invalidValue, "unknown time zone '\(zone)'", at: map.value("timezone")!,
                                 hint: "use an IANA name such as Asia/Riyadh or Europe/London")
            }
            schedule.timeZone = zone
        }
        if let text = try map.string("start") {
            guard let start = LocalDateTime(text) else {
                throw file.error(.invalidValue, "start '\(text)' is not a local date-time", at: map.value("start")!,
                                 hint: "write YYYY-MM-DDTHH:MM, e.g. 2027-08-22T17:00 (local time in the schedule's zone)")
            }
            schedule.start = start
        }
        if let node = map.value("repeat") {
            let rep = try MappingReader(file, node, what: "repeat")
            try rep.rejectUnknownKeys(["every", "times", "until"], what: "repeat")
            let everyText = try rep.requiredString("every", what: "repeat")
            guard let every = ScheduleInterval(everyText), !every.isZeroOrNegative else {
                throw file.error(.invalidValue, "repeat every '\(everyText)' is not a positive interval", at: rep.value("every")!,
                                 hint: "write 7d, 1w or 1mo")
            }
            var repetition = CampaignSchedule.Repetition(every: every)
            if let t = try rep.string("times") {
                guard let n = Int(t), (1...10_000).contains(n) else {
                    throw file.error(.invalidValue, "repeat times '\(t)' must be a whole number of at least 1 and at most 10000", at: rep.value("times")!)
                }
                repetition.times = n
            }
            repetition.until = try day(file, rep, "until")
            schedule.repetition = repetition
        }
        if let until = try day(file, map, "until") {
            guard let every = schedule.repetition else {
                throw file.error(.invalidValue, "'until' needs 'repeat: {every: …}'", at: map.value("until")!)
            }
            schedule.repetition = CampaignSchedule.Repetition(every: every.every, times: every.times, until: until)
        }
        if let field = try map.string("relative_to") {
            guard let offsets = try map.stringList("offsets"), !offsets.isEmpty else {
                throw file.error(.invalidValue, "'relative_to' needs 'offsets', e.g. [-7d, -1d]", at: map.value("relative_to")!)
            }
            var intervals: [ScheduleInterval] = []
            for text in offsets {
                guard let interval = ScheduleInterval(text) else {
                    throw file.error(.invalidValue, "offset '\(text)' is not an interval", at: map.value("offsets")!,
                                     hint: "write -7d for seven days before, 1d for a day after, -2w, -1mo")
                }
                intervals.append(interval)
            }
            var at = LocalTime(hour: 9, minute: 0)!
            if let text = try map.string("at") {
                guard let t = LocalTime(text) else {
                    throw file.error(.invalidValue, "at '\(text)' is not a time of day", at: map.value("at")!, hint: "write HH:MM, e.g. \"09:00\"")
                }
                at = t
            }
            schedule.relative = .init(field: field, offsets: intervals, at: at)
        } else if map.value("offsets") != nil || map.value("at") != nil {
            throw file.error(.invalidValue, "'offsets' and 'at' go with 'relative_to: FIELD'", at: node)
        }
        if let text = try map.string("late_within") {
            guard let late = LateWithin(text) else {
                throw file.error(.invalidValue, "late_within '\(text)' must be a number of hours, days or weeks (at most a year)",
                                 at: map.value("late_within")!, hint: "write e.g. 12h, 1d or 2w")
            }
            schedule.lateWithin = late
        }
        if schedule.relative != nil && schedule.start != nil {
            throw file.error(.invalidValue, "a schedule has either 'start' or 'relative_to', not both", at: node)
        }
        if schedule.relative == nil && schedule.start == nil {
            throw file.error(.invalidValue, "a schedule needs 'start' (fixed times) or 'relative_to' (each person's own date)", at: node)
        }
        if schedule.repetition != nil && schedule.start == nil {
            throw file.error(.invalidValue, "'repeat' needs 'start'", at: map.value("repeat")!)
        }
        if let text = try map.string("window") {
            guard let window = TimeWindow(text) else {
                throw file.error(.invalidValue, "window '\(text)' is not a daily window", at: map.value("window")!,
                                 hint: "write HH:MM-HH:MM, e.g. \"10:00-20:00\"")
            }
            schedule.window = window
        }
        for name in try map.stringList("skip_days") ?? [] {
            guard let weekday = Weekday(name: name) else {
                throw file.error(.invalidValue, "'\(name)' is not a day of the week", at: map.value("skip_days")!,
                                 hint: "write friday, saturday, … (or الجمعة، السبت …)")
            }
            schedule.skipDays.insert(weekday)
        }
        if schedule.skipDays.count == 7 {
            throw file.error(.invalidValue, "skip_days skips every day of the week", at: map.value("skip_days")!)
        }
        for text in try map.stringList("skip_dates") ?? [] {
            guard let d = Day(iso: text) else {
                throw file.error(.invalidValue, "skip date '\(text)' is not a date", at: map.value("skip_dates")!, hint: "write YYYY-MM-DD")
            }
            schedule.skipDates.insert(d)
        }
        if let text = try map.string("urgent") {
            switch text.lowercased() {
            case "true", "yes": schedule.urgent = true
            case "false", "no": schedule.urgent = false
            default: throw file.error(.invalidValue, "urgent must be true or false", at: map.value("urgent")!)
            }
        }
        return schedule
    }

    private static func day(_ file: YAMLFile, _ map: MappingReader, _ key: String) throws(OutreachError) -> Day? {
        guard let text = try map.string(key) else { return nil }
        guard let d = Day(iso: text) else {
            throw file.error(.invalidValue, "\(key) '\(text)' is not a date", at: map.value(key)!, hint: "write YYYY-MM-DD")
        }
        return d
    }
}
