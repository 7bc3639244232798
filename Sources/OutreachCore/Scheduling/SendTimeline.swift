public import Foundation

/// Which sends of a launched campaign are due at an instant, per recipient,
/// in each recipient's own time zone. The scheduler materialises what this
/// returns into the ledger (unique per campaign, occurrence and recipient,
/// so asking twice is harmless) and sleeps until `nextDue`.
///
/// Rules:
/// - Sends meant for on or after the launch count. One whose time passed
///   before the launch goes at the launch only when it passed at most the
///   schedule's `late_within` before it; otherwise it is never sent
///   (`timing(of:launchedAt:)`, which `plan` and `launch` show).
/// - A send is due once its (adjusted) time has come. One that is more than
///   `lateness` overdue — the scheduler was stopped, say — is returned as
///   too late and recorded as skipped, never sent days late. `late_within`
///   in the schedule sets `lateness`; otherwise it is `defaultLateness`.
public struct SendTimeline: Sendable {
    /// One person's send that is due (or overdue): the recipient's row, the occurrence key the ledger records it
    /// under, and the moves that set its time. `tooLate` sends are recorded as skipped, never sent.
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
        guard let late = schedule?.lateWithin else { return defaultLateness }
        return max(defaultLateness, late.seconds)
    }

    /// The minute a launch at `launchedAt` belongs to: schedules are to the minute, so a send at 09:00 is
    /// one of a launch at 09:00:37, not a passed one.
    public static func launchMinute(_ launchedAt: Date) -> Date {
        Date(timeIntervalSince1970: (launchedAt.timeIntervalSince1970 / 60).rounded(.down) * 60)
    }

    /// The scheduler's first watermark for a launch at `launchedAt`: sends due after it are materialised.
    /// Just before the launch's minute, or `late_within` before it — so a send that passed that recently
    /// before the launch goes at the launch, and none older does (no back-fill beyond it).
    public static func materialiseStart(launchedAt: Date, schedule: CampaignSchedule?) -> Date {
        launchMinute(launchedAt).addingTimeInterval(-(schedule?.lateWithin?.seconds ?? 0) - 0.001)
    }

    /// Where a send due at `dueAt` stands for a launch at `launchedAt`.
    public enum Timing: String, Sendable, Hashable, Codable {
        /// At or after the launch's minute: sent when due.
        case upcoming
        /// Passed before the launch, within `late_within`: sent at the launch.
        case late
        /// Passed before the launch, not within `late_within` (or without it): never sent.
        case passed
    }

    /// The rule `due` applies (through `materialiseStart`), for `plan`, `launch` and the launch window to
    /// show the same answer the scheduler gives.
    public static func timing(of dueAt: Date, launchedAt: Date, schedule: CampaignSchedule?) -> Timing {
        if dueAt >= launchMinute(launchedAt) { return .upcoming }
        return dueAt > materialiseStart(launchedAt: launchedAt, schedule: schedule) ? .late : .passed
    }

    public static func fixedKey(_ occurrence: Int) -> String { "#\(occurrence + 1)" }

    public static func relativeKey(_ offset: ScheduleInterval, date: Day) -> String {
        let sign = offset.description.hasPrefix("-") ? "" : "+"
        return "\(sign)\(offset)@\(date.iso)"
    }

    /// The sends due in `(after…now]` for the given rows (`after` is
    /// `materialiseStart`, then the scheduler's watermark), too-late ones flagged, and
    /// the earliest later due time among them (nil when nothing more is
    /// planned).
    public func due(rows: RowSet, population: Population, after: Date, now: Date)
        -> (due: [DueSend], nextDue: Date?)
    {
        var zones = recipientZones(population)
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
                relativeSends(row: row, date: date, zones: &zones, consider)
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

    /// The zones of `population`'s recipients, for `relativeSends` and instants.
    public func recipientZones(_ population: Population) -> RecipientZones {
        RecipientZones(campaignZone: campaignZone, campaignZoneName: schedule.timeZone, population: population)
    }

    /// Each relative send of the recipient in `row` whose date is `date`, at its time after the rules, in
    /// the recipient's zone (not yet judged due or too late).
    public func relativeSends(row: Int, date: Day, zones: inout RecipientZones, _ body: (DueSend) -> Void) {
        guard let relative = schedule.relative else { return }
        let (zoneName, zone) = zones.zone(row: row)
        for offset in relative.offsets {
            let intended = LocalDateTime(day: offset.advance(date), time: relative.at)
            let (local, adjustments) = planner.adjust(intended)
            body(DueSend(row: row, occurrence: Self.relativeKey(offset, date: date),
                         dueAt: zones.instant(local, zoneName: zoneName, zone: zone), local: local,
                         timeZone: zoneName, adjustments: adjustments, tooLate: false))
        }
    }
}
