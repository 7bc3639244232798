/// When a campaign sends, as written under `schedule:` in its file.
///
/// Either fixed occurrences (`start`, optionally `repeat: {every, times}` or
/// `until`) or sends relative to each recipient's own date
/// (`relative_to: FIELD`, `offsets: [-7d, -1d]`, `at: "09:00"`). Every send
/// then passes the same rules: skipped dates and days move it to the next
/// allowed day; quiet hours move it to the end of the quiet window (unless
/// the campaign is `urgent`); a sending `window` moves it to the window's
/// start.
public struct CampaignSchedule: Sendable, Hashable {
    /// A fixed schedule's repetition (`every`, with `times` and/or `until` bounding it).
    public struct Repetition: Sendable, Hashable {
        public var every: ScheduleInterval
        /// Total number of occurrences, the first included.
        public var times: Int?
        /// Last day an occurrence may fall on.
        public var until: Day?
        public init(every: ScheduleInterval, times: Int? = nil, until: Day? = nil) {
            self.every = every
            self.times = times
            self.until = until
        }
    }

    /// Sends timed from each person's own date (`relative_to`): one per offset, at the local time `at`.
    public struct RelativeSends: Sendable, Hashable {
        /// A `date` (or `hijri_date`) field of the population.
        public var field: String
        public var offsets: [ScheduleInterval]
        public var at: LocalTime
        public init(field: String, offsets: [ScheduleInterval], at: LocalTime) {
            self.field = field
            self.offsets = offsets
            self.at = at
        }
    }

    /// IANA zone of the campaign; a recipient's own `timezone` field wins.
    public var timeZone: String
    public var start: LocalDateTime?
    public var repetition: Repetition?
    public var relative: RelativeSends?
    public var quietHours: TimeWindow?
    /// Urgent warnings ignore quiet hours (and only they may).
    public var urgent: Bool
    public var window: TimeWindow?
    public var skipDays: Set<Weekday>
    public var skipDates: Set<Day>
    /// Sends (fixed or relative) whose time passed at most this long before the launch go at the launch;
    /// older ones, and all passed ones without it, are not sent (`SendTimeline.timing`).
    public var lateWithin: LateWithin?

    public init(timeZone: String, start: LocalDateTime? = nil, repetition: Repetition? = nil, relative: RelativeSends? = nil,
                quietHours: TimeWindow? = nil, urgent: Bool = false, window: TimeWindow? = nil,
                skipDays: Set<Weekday> = [], skipDates: Set<Day> = [], lateWithin: LateWithin? = nil) {
        self.timeZone = timeZone
        self.start = start
        self.repetition = repetition
        self.relative = relative
        self.quietHours = quietHours
        self.urgent = urgent
        self.window = window
        self.skipDays = skipDays
        self.skipDates = skipDates
        self.lateWithin = lateWithin
    }
}

/// Why a send was moved from the time its schedule named.
public enum ScheduleAdjustment: Sendable, Hashable, CustomStringConvertible {
    case skippedDate(Day)
    case skippedDay(Weekday)
    case quietHours(TimeWindow)
    case outsideWindow(TimeWindow)

    public var description: String {
        switch self {
        case .skippedDate(let d): return "\(d.iso) is a skipped date"
        case .skippedDay(let w): return "\(w) is a skipped day"
        case .quietHours(let q): return "quiet hours \(q)"
        case .outsideWindow(let w): return "outside the sending window \(w)"
        }
    }
}
