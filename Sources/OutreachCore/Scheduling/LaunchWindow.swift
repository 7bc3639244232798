public import Foundation

/// Whether launching a fixed schedule now can keep its word: a launch
/// promises sends, so a schedule whose every send is already in the past
/// (and not within `late_within` of the launch, which would send it then)
/// (a start date typed in the Hijri calendar, `1448-06-20`, is one) or whose
/// first send is more than a year away is refused with the reason, instead
/// of launching a campaign that never sends.
public enum LaunchWindow {
    /// How far ahead a launch may reach.
    public static let horizonDays = 366

    /// The reason a campaign on `schedule` cannot be launched at `now`, or
    /// nil when it has a send between now and the horizon. Relative and
    /// unscheduled campaigns are never refused here: their sends depend on
    /// the population, not on the calendar.
    public static func refusal(_ schedule: CampaignSchedule?, now: Date) -> String? {
        guard let schedule, schedule.relative == nil, schedule.start != nil else { return nil }
        let zone = TimeZone(identifier: schedule.timeZone) ?? TimeZone(identifier: "UTC")!
        let horizon = now.addingTimeInterval(Double(horizonDays) * 86_400)
        let planner = SchedulePlanner(schedule)
        let today = LocalDateTime(now, in: zone).day
        // A send that passed within `late_within` before the launch goes at the launch: it counts as one that happens.
        let earliest = LocalDateTime(SendTimeline.materialiseStart(launchedAt: now, schedule: schedule), in: zone).day
        let near = planner.occurrences(from: earliest.adding(days: -1), through: today.adding(days: horizonDays + 1), limit: 2_000)
        if near.contains(where: {
            let at = $0.local.instant(in: zone)
            return at <= horizon && SendTimeline.timing(of: at, launchedAt: now, schedule: schedule) != .passed
        }) { return nil }
        guard let first = planner.occurrences(limit: 1).first else { return "its schedule has no send" }
        if first.local.instant(in: zone) > now {
            return "its first send, \(first.local) \(schedule.timeZone), is more than a year away"
        }
        let last = planner.occurrences(through: today, limit: 100_000).last ?? first
        return "every send of its schedule is in the past (the last was \(last.local) \(schedule.timeZone)"
            + (schedule.lateWithin.map { ", more than late_within \($0) before now" } ?? "") + ")"
            + (last.local.day.iso < "1900" ? "; is the start date a Hijri date? schedules take Gregorian dates" : "")
    }
}
