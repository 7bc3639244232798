public import Foundation

/// The upcoming sends of a campaign: when (local and UTC), to how many
/// people, and why any were moved. What `outreach plan` prints.
public struct CampaignPlan: Sendable, Codable {
    public struct Send: Sendable, Codable, Equatable {
        /// Local wall-clock time in `timeZone`, `YYYY-MM-DD HH:MM`.
        public var local: String
        public var timeZone: String
        /// The same moment in UTC, ISO 8601.
        public var utc: String
        public var recipients: Int
        /// Why sends were moved from their intended time, with how many.
        public var moved: [String: Int]
        /// Occurrence number (fixed) or offset (relative), e.g. "#2" or "-7d".
        public var label: String
    }

    public var campaign: String
    /// "fixed", "relative" or "none".
    public var kind: String
    public var timeZone: String
    public var from: Day
    public var until: Day
    /// People the campaign reaches today (segments minus exclusions).
    public var recipients: Int
    public var sends: [Send]
    /// Relative campaigns: recipients without the date, who get nothing.
    public var withoutDate: Int
    /// Relative campaigns: sends whose time had already passed (not sent late).
    public var passed: Int
}

/// Builds a `CampaignPlan` from a campaign's schedule and its current recipients.
public enum CampaignPlanner {
    public static func plan(_ campaign: CampaignDefinition, segmentation: CampaignSegmentation, population: Population,
                            now: Date, from: Day, until: Day) -> CampaignPlan {
        let recipients = segmentation.recipients
        guard let schedule = campaign.schedule else {
            return CampaignPlan(campaign: campaign.name, kind: "none", timeZone: "", from: from, until: until,
                                recipients: recipients, sends: [], withoutDate: 0, passed: 0)
        }
        let campaignZone = TimeZone(identifier: schedule.timeZone) ?? TimeZone(identifier: "UTC")!
        let planner = SchedulePlanner(schedule)
        let iso = ISO8601DateFormatter()

        guard let relative = schedule.relative else {
            // Fixed occurrences: everyone at the same local time (in their own zone when they have one).
            var sends: [CampaignPlan.Send] = []
            for occurrence in planner.occurrences(from: from, through: until) {
                var moved: [String: Int] = [:]
                for a in occurrence.adjustments { moved[a.description, default: 0] += recipients }
                sends.append(CampaignPlan.Send(local: occurrence.local.description, timeZone: schedule.timeZone,
                                               utc: iso.string(from: occurrence.local.instant(in: campaignZone)),
                                               recipients: recipients, moved: moved, label: "#\(occurrence.occurrence + 1)"))
            }
            return CampaignPlan(campaign: campaign.name, kind: "fixed", timeZone: schedule.timeZone, from: from, until: until,
                                recipients: recipients, sends: sends, withoutDate: 0, passed: 0)
        }

        // Relative sends: each person's own date, in their own zone.
        struct Key: Hashable { var zone: String; var local: LocalDateTime; var offset: Int }
        var groups: [Key: (count: Int, moved: [String: Int])] = [:]
        var withoutDate = 0, passed = 0
        var zones: [String: TimeZone] = [schedule.timeZone: campaignZone]
        var nowByZone: [String: LocalDateTime] = [:]
        let zoneColumn = population.type(of: "timezone") != nil
        for part in segmentation.parts {
            part.members.forEachRow { row in
                guard case .date(let date)? = population.value(row: row, field: relative.field) else {
                    withoutDate += 1
                    return
                }
                var zoneName = schedule.timeZone
                if zoneColumn, case .text(let z)? = population.value(row: row, field: "timezone") {
                    if zones[z] == nil, let tz = TimeZone(identifier: z) { zones[z] = tz }
                    if zones[z] != nil { zoneName = z }
                }
                let zone = zones[zoneName]!
                let localNow = nowByZone[zoneName] ?? LocalDateTime(now, in: zone)
                nowByZone[zoneName] = localNow
                let sends = planner.relativeSends(for: date, now: localNow)
                passed += relative.offsets.count - sends.count
                for send in sends where send.local.day >= from && send.local.day <= until {
                    let key = Key(zone: zoneName, local: send.local, offset: send.occurrence)
                    var entry = groups[key] ?? (0, [:])
                    entry.count += 1
                    for a in send.adjustments { entry.moved[a.description, default: 0] += 1 }
                    groups[key] = entry
                }
            }
        }
        let sends = groups.sorted { a, b in
            if a.key.local != b.key.local { return a.key.local < b.key.local }
            if a.key.zone != b.key.zone { return a.key.zone < b.key.zone }
            return a.key.offset < b.key.offset
        }
            .map { key, value in
                CampaignPlan.Send(local: key.local.description, timeZone: key.zone,
                                  utc: iso.string(from: key.local.instant(in: zones[key.zone]!)),
                                  recipients: value.count, moved: value.moved,
                                  label: relative.offsets[key.offset].description)
            }
        return CampaignPlan(campaign: campaign.name, kind: "relative", timeZone: schedule.timeZone, from: from, until: until,
                            recipients: recipients, sends: sends, withoutDate: withoutDate, passed: passed)
    }
}
