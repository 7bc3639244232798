public import Foundation

/// The sends of a campaign for a launch: when (local and UTC), how many
/// messages each carries and who it leaves out, why any were moved, and
/// which had already passed at the launch. What `outreach plan` prints and
/// `launch` summarises; the scheduler sends exactly the sends listed as
/// `upcoming` and `late`, to exactly the people counted.
public struct CampaignPlan: Sendable, Codable {
    /// One planned send: when it happens, in local time and UTC, and how many messages it carries.
    public struct Send: Sendable, Codable, Equatable {
        /// Local wall-clock time in `timeZone`, `YYYY-MM-DD HH:MM`.
        public var local: String
        public var timeZone: String
        /// The same moment in UTC, ISO 8601.
        public var utc: String
        /// Messages this send carries (people it reaches, after opt-outs, addresses and rendering).
        public var recipients: Int
        /// Why sends were moved from their intended time, with how many.
        public var moved: [String: Int]
        /// Occurrence number (fixed) or offset (relative), e.g. "#2" or "-7d".
        public var label: String
        /// `upcoming`, `late` (passed before the launch, sent at the launch within `late_within`) or `passed`
        /// (passed before the launch: not sent).
        public var timing: SendTimeline.Timing
        /// For a passed send, what becomes of it, in words.
        public var note: String?
        /// People of this send who get no message, by ledger skip reason (`opted_out`, `unreachable`, …).
        public var leftOut: [String: Int]
        /// SMS parts its messages cost (emails are not counted).
        public var parts = 0
    }

    public var campaign: String
    /// "fixed", "relative" or "none".
    public var kind: String
    public var timeZone: String
    public var from: Day
    public var until: Day
    /// The launch the plan is for (UTC, ISO 8601): the campaign's own when it is launched, else now.
    public var launch: String
    /// The schedule's `late_within`, as written.
    public var lateWithin: String?
    /// People the campaign's segments reach today (after exclusions), before opt-outs, addresses and rendering.
    public var recipients: Int
    /// Messages the sends that happen (`upcoming` and `late`) carry: what the scheduler will queue.
    public var messages: Int
    /// Who those sends leave out, by ledger skip reason: the ledger records each as a skipped entry.
    public var leftOut: [String: Int]
    /// SMS parts the sends that happen cost: the campaign's SMS bill over the plan's days, before launch.
    public var parts = 0
    public var sends: [Send]
    /// Relative campaigns: recipients without the date, who get nothing.
    public var withoutDate: Int
    /// Relative campaigns: sends (one per person and offset) whose time had passed at the launch …
    public var passed: Int
    /// … of which these go at the launch, within `late_within` …
    public var passedSentLate: Int
    /// … and these are never sent.
    public var passedNotSent: Int
    /// People in the held-out control group (`holdout:`) who would otherwise be messaged: not messaged.
    public var heldOut: Int = 0
}

/// Builds a `CampaignPlan` from a campaign's schedule, its current recipients and the composition sending
/// uses (`RecipientComposer`: channel fallback, address, opt-outs, duplicate addresses, rendering, parts).
public enum CampaignPlanner {
    /// The plan of a launch at `launchedAt`: passed sends are judged as the scheduler judges them
    /// (`SendTimeline.timing`). Lists sends whose day is within `from…until`, and every `late` one.
    public static func plan(_ campaign: CampaignDefinition, segmentation: CampaignSegmentation, population: Population,
                            composer: RecipientComposer, launchedAt: Date, from: Day, until: Day) -> CampaignPlan {
        let iso = ISO8601DateFormatter()
        var plan = CampaignPlan(campaign: campaign.name, kind: "none", timeZone: "", from: from, until: until,
                                launch: iso.string(from: launchedAt), lateWithin: campaign.schedule?.lateWithin?.description,
                                recipients: segmentation.recipients, messages: 0, leftOut: [:], sends: [],
                                withoutDate: 0, passed: 0, passedSentLate: 0, passedNotSent: 0)
        var composing = OccurrenceComposer(composer)
        guard let timeline = SendTimeline(campaign) else {
            // Sent once, at the launch: everyone as one occurrence.
            forEachComposition(segmentation, population: population, composing: &composing) { _, composition in
                plan.count(composition.skipReason)
                plan.parts += composition.smsParts
                if composition.skipReason == .holdout { plan.heldOut += 1 }
            }
            return plan
        }
        let schedule = timeline.schedule
        plan.timeZone = schedule.timeZone
        var zones = timeline.recipientZones(population)
        func passedNote() -> String {
            schedule.lateWithin.map { "passed before launch — not sent (more than late_within \($0) before it)" }
                ?? "passed before launch — not sent (no late_within)"
        }
        let lateNote = "passed — sent at launch (within late_within \(schedule.lateWithin?.description ?? "0h"))"

        guard let relative = schedule.relative else {
            // Fixed occurrences: everyone in their zone (the campaign's unless they have their own) at the same
            // local time. Each person is composed once: every occurrence reaches the same people today.
            plan.kind = "fixed"
            struct Tally { var messages = 0; var parts = 0; var leftOut: [String: Int] = [:] }
            var byZone: [String: (zone: TimeZone, tally: Tally)] = [:]
            forEachComposition(segmentation, population: population, composing: &composing) { row, composition in
                let (name, zone) = zones.zone(row: row)
                if composition.skipReason == .holdout { plan.heldOut += 1 }
                var entry = byZone[name] ?? (zone, Tally())
                if let reason = composition.skipReason { entry.tally.leftOut[reason.rawValue, default: 0] += 1 } else { entry.tally.messages += 1 }
                entry.tally.parts += composition.smsParts
                byZone[name] = entry
            }
            // Late sends may fall before `from`: from the earliest local day one can have anywhere (UTC−12), a
            // week earlier for sends the rules moved forward.
            let earliest = LocalDateTime(SendTimeline.materialiseStart(launchedAt: launchedAt, schedule: schedule),
                                         in: TimeZone(identifier: "Etc/GMT+12")!).day.adding(days: -7)
            let planner = SchedulePlanner(schedule)
            for occurrence in planner.occurrences(from: min(from, earliest), through: until) {
                for (name, entry) in byZone.sorted(by: { $0.key < $1.key }) {
                    let dueAt = zones.instant(occurrence.local, zoneName: name, zone: entry.zone)
                    let timing = SendTimeline.timing(of: dueAt, launchedAt: launchedAt, schedule: schedule)
                    guard timing == .late || occurrence.local.day >= from else { continue }
                    var moved: [String: Int] = [:]
                    for a in occurrence.adjustments { moved[a.description, default: 0] += entry.tally.messages }
                    plan.add(CampaignPlan.Send(local: occurrence.local.description, timeZone: name, utc: iso.string(from: dueAt),
                                               recipients: entry.tally.messages, moved: moved,
                                               label: SendTimeline.fixedKey(occurrence.occurrence), timing: timing,
                                               note: timing == .passed ? passedNote() : timing == .late ? lateNote : nil,
                                               leftOut: entry.tally.leftOut, parts: entry.tally.parts))
                }
            }
            return plan
        }

        // Relative sends: each person's own date, in their own zone; each send is its own occurrence
        // (offset and date), so a duplicate address is judged per occurrence, as the scheduler judges it.
        plan.kind = "relative"
        struct Key: Hashable { var zone: String; var local: LocalDateTime; var label: String; var timing: SendTimeline.Timing }
        struct Group { var dueAt: Date; var messages = 0; var parts = 0; var leftOut: [String: Int] = [:]; var moved: [String: Int] = [:] }
        var groups: [Key: Group] = [:]
        for part in segmentation.parts {
            let segment = part.segment.name
            part.members.forEachRow { row in
                guard case .date(let date)? = population.value(row: row, field: relative.field) else {
                    plan.withoutDate += 1
                    return
                }
                var composed: RecipientComposer.Composition?
                timeline.relativeSends(row: row, date: date, zones: &zones) { send in
                    let timing = SendTimeline.timing(of: send.dueAt, launchedAt: launchedAt, schedule: schedule)
                    switch timing {
                    case .passed:
                        plan.passed += 1
                        plan.passedNotSent += 1
                        return
                    case .late:
                        plan.passed += 1
                        plan.passedSentLate += 1
                    case .upcoming:
                        guard send.local.day >= from, send.local.day <= until else { return }
                    }
                    // Rendered once per person, admitted per occurrence.
                    let made = composed ?? composing.composer.compose(population.record(row), segment: segment)
                    if composed == nil, made.skipReason == .holdout { plan.heldOut += 1 }
                    composed = made
                    let composition = composing.admit(made, occurrence: send.occurrence)
                    let key = Key(zone: send.timeZone, local: send.local,
                                  label: String(send.occurrence.prefix { $0 != "@" }), timing: timing)
                    var group = groups[key] ?? Group(dueAt: send.dueAt)
                    if let reason = composition.skipReason {
                        group.leftOut[reason.rawValue, default: 0] += 1
                    } else {
                        group.messages += 1
                        group.parts += composition.smsParts
                        for a in send.adjustments { group.moved[a.description, default: 0] += 1 }
                    }
                    groups[key] = group
                }
            }
        }
        let ordered = groups.sorted { a, b in
            if a.value.dueAt != b.value.dueAt { return a.value.dueAt < b.value.dueAt }
            if a.key.zone != b.key.zone { return a.key.zone < b.key.zone }
            return a.key.label < b.key.label
        }
        for (key, group) in ordered {
            plan.add(CampaignPlan.Send(local: key.local.description, timeZone: key.zone, utc: iso.string(from: group.dueAt),
                                       recipients: group.messages, moved: group.moved, label: key.label, timing: key.timing,
                                       note: key.timing == .late ? lateNote : nil, leftOut: group.leftOut, parts: group.parts))
        }
        return plan
    }

    /// Each segmented person's composition, segment by segment in row order.
    private static func forEachComposition(_ segmentation: CampaignSegmentation, population: Population,
                                           composing: inout OccurrenceComposer,
                                           _ body: (Int, RecipientComposer.Composition) -> Void) {
        for part in segmentation.parts {
            let segment = part.segment.name
            part.members.forEachRow { row in
                body(row, composing.compose(population.record(row), segment: segment))
            }
        }
    }
}

extension CampaignPlan {
    /// Lists a send, counting it in the totals unless it passed unsent.
    mutating func add(_ send: Send) {
        sends.append(send)
        guard send.timing != .passed else { return }
        messages += send.recipients
        parts += send.parts
        for (reason, n) in send.leftOut { leftOut[reason, default: 0] += n }
    }

    /// Counts one recipient of an unscheduled campaign's single send.
    mutating func count(_ reason: SkipReason?) {
        if let reason { leftOut[reason.rawValue, default: 0] += 1 } else { messages += 1 }
    }
}
