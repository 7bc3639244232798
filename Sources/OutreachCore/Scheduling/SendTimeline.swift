public import Foundation

/// Which sends of a launched campaign are due at an instant, per recipient,
/// in each recipient's own time zone. The scheduler materialises what this
/// returns into the ledger (unique per campaign, occurrence and recipient,
/// so asking twice is harmless) and sleeps until `nextDue`.
///
/// Rules:
/// - Only sends meant for on or after the launch count: launching a campaign
///   never back-fills what it would have sent before.
/// - A send is due once its (adjusted) time has come. One that is more than
///   `lateness` overdue — the scheduler was stopped, say — is returned as
///   too late and recorded as skipped, never sent days late. `late_within`
///   in the schedule sets `lateness`; otherwise it is `defaultLateness`.
public struct SendTimeline: Sendable {
    public struct DueSend: Sendable, Hashable {
        public var row: Int
        /// Stable key of the occurrence: `#3` for the third fixed occurrence,
        /// `-7d@2027-03-01` for a relative send from the person's date.
        public var occurrence: String
        public var dueAt: Date
        public var local: LocalDateTime
        public var timeZone: String
        public var adjustments: [ScheduleAdjustment]
        public var tooLate: Bool
    }

    public var campaign: CampaignDefinition
    public var schedule: CampaignSchedule
    /// Overdue sends within this many seconds still go.
    public var lateness: TimeInterval
    public static let defaultLateness: TimeInterval = 12 * 3600

    private let planner: SchedulePlanner
    private let campaignZone: TimeZone

    public init?(_ campaign: CampaignDefinition) {
        guard let schedule = campaign.schedule else { return nil }
        self.campaign = campaign
        self.schedule = schedule
        self.planner = SchedulePlanner(schedule)
        self.campaignZone = TimeZone(identifier: schedule.timeZone) ?? TimeZone(identifier: "UTC")!
        lateness = Self.lateness(of: schedule)
    }

    /// How overdue a send of `schedule` may be and still go: `late_within` when it allows more than the default.
    public static func lateness(of schedule: CampaignSchedule?) -> TimeInterval {
        guard let days = schedule?.relative?.lateWithinDays else { return defaultLateness }
        return max(defaultLateness, TimeInterval(days) * 86_400)
    }

    public static func fixedKey(_ occurrence: Int) -> String { "#\(occurrence + 1)" }

    public static func relativeKey(_ offset: ScheduleInterval, date: Day) -> String {
        let sign = offset.description.hasPrefix("-") ? "" : "+"
        return "\(sign)\(offset)@\(date.iso)"
    }

    /// The sends due in `(after…now]` for the given rows (`after` is the
    /// launch, then the scheduler's watermark), too-late ones flagged, and
    /// the earliest later due time among them (nil when nothing more is
    /// planned).
    public func due(rows: RowSet, population: Population, after: Date, now: Date)
        -> (due: [DueSend], nextDue: Date?)
    {
        var zones = ZoneCache(campaignZone: campaignZone, campaignZoneName: schedule.timeZone, population: population)
        var out: [DueSend] = []
        var next: Date?
        func consider(_ send: DueSend) {
            if send.dueAt <= after { return }
            if send.dueAt <= now {
                var s = send
                s.tooLate = now.timeIntervalSince(send.dueAt) > lateness
                out.append(s)
            } else if next.map({ send.dueAt < $0 }) ?? true {
                next = send.dueAt
            }
        }

        if let relative = schedule.relative {
            rows.forEachRow { row in
                guard case .date(let date)? = population.value(row: row, field: relative.field) else { return }
                let (zoneName, zone) = zones.zone(row: row)
                for offset in relative.offsets {
                    let intended = LocalDateTime(day: offset.advance(date), time: relative.at)
                    let (local, adjustments) = planner.adjust(intended)
                    consider(DueSend(row: row, occurrence: Self.relativeKey(offset, date: date),
                                     dueAt: zones.instant(local, zoneName: zoneName, zone: zone), local: local,
                                     timeZone: zoneName, adjustments: adjustments, tooLate: false))
                }
            }
        } else {
            // Fixed occurrences from the launch day's week on; bounded so a
            // daily campaign running for years stays cheap.
            let firstDay = LocalDateTime(after.addingTimeInterval(-2 * 86_400), in: campaignZone).day
            let occurrences = planner.occurrences(from: firstDay, limit: 400)
            rows.forEachRow { row in
                let (zoneName, zone) = zones.zone(row: row)
                var passedNow = false
                for occurrence in occurrences where !passedNow {
                    let dueAt = zones.instant(occurrence.local, zoneName: zoneName, zone: zone)
                    if dueAt > now { passedNow = true }
                    consider(DueSend(row: row, occurrence: Self.fixedKey(occurrence.occurrence), dueAt: dueAt,
                                     local: occurrence.local, timeZone: zoneName, adjustments: occurrence.adjustments,
                                     tooLate: false))
                }
            }
        }
        return (out, next)
    }

    /// Recipients' zones (a `timezone` field wins over the campaign's) and
    /// local-to-instant conversions, cached: a million recipients share a
    /// few zones and dates.
    private struct ZoneCache {
        let campaignZone: TimeZone
        let campaignZoneName: String
        let population: Population
        let hasZoneField: Bool
        var zones: [String: TimeZone] = [:]
        var instants: [String: [LocalDateTime: Date]] = [:]

        init(campaignZone: TimeZone, campaignZoneName: String, population: Population) {
            self.campaignZone = campaignZone
            self.campaignZoneName = campaignZoneName
            self.population = population
            self.hasZoneField = population.type(of: "timezone") != nil
        }

        mutating func zone(row: Int) -> (String, TimeZone) {
            guard hasZoneField, case .text(let name)? = population.value(row: row, field: "timezone") else {
                return (campaignZoneName, campaignZone)
            }
            if let z = zones[name] { return (name, z) }
            guard let z = TimeZone(identifier: name) else { return (campaignZoneName, campaignZone) }
            zones[name] = z
            return (name, z)
        }

        mutating func instant(_ local: LocalDateTime, zoneName: String, zone: TimeZone) -> Date {
            if let d = instants[zoneName]?[local] { return d }
            let d = local.instant(in: zone)
            instants[zoneName, default: [:]][local] = d
            return d
        }
    }
}
