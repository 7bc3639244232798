/// A calendar interval: days, weeks or months (`7d`, `1w`, `1mo`), with a
/// sign for offsets (`-7d` is seven days before).
///
/// Months are calendar months anchored on the original day: one month
/// after 31 January is 28 (or 29) February, two months after is 31 March.
public enum ScheduleInterval: Sendable, Hashable, CustomStringConvertible {
    case days(Int)
    case months(Int)

    /// Parses `7d`, `-1d`, `+2w`, `1mo`, `-3mo`. Nil for anything else.
    public init?(_ text: some StringProtocol) {
        var s = Substring(text.trimmingCharacters(in: .whitespaces).lowercased())
        var sign = 1
        if s.hasPrefix("-") { sign = -1; s = s.dropFirst() } else if s.hasPrefix("+") { s = s.dropFirst() }
        let digits = s.prefix { $0.isASCII && $0.isNumber }
        let unit = s.dropFirst(digits.count)
        guard !digits.isEmpty, digits.count <= 5, let n = Int(digits) else { return nil }
        switch unit {
        case "d": self = .days(sign * n)
        case "w": self = .days(sign * n * 7)
        case "mo", "m": self = .months(sign * n)
        default: return nil
        }
    }

    /// The length in days when the interval is days or weeks; nil for months.
    public var wholeDays: Int? {
        if case .days(let n) = self { return n }
        return nil
    }

    public var isZeroOrNegative: Bool {
        switch self {
        case .days(let n), .months(let n): return n <= 0
        }
    }

    /// `day` moved by this interval `times` times (months anchored on `day`).
    public func advance(_ day: Day, times: Int = 1) -> Day {
        switch self {
        case .days(let n):
            return day.adding(days: n * times)
        case .months(let n):
            let c = day.components
            let total = (c.year * 12 + (c.month - 1)) + n * times
            let year = total >= 0 ? total / 12 : (total - 11) / 12
            let month = total - year * 12 + 1
            let d = min(c.day, Day.daysInMonth(year: year, month: month))
            return Day(year: year, month: month, day: d) ?? day
        }
    }

    public var description: String {
        switch self {
        case .days(let n): return "\(n)d"
        case .months(let n): return "\(n)mo"
        }
    }
}
