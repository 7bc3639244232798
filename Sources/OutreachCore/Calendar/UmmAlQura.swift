public import Foundation

/// Conversion between Gregorian days and the Umm al-Qura (Saudi official)
/// Hijri calendar.
///
/// The month lengths come from ICU's Umm al-Qura calendar (through
/// Foundation), read once into a table of month starts; after that every
/// conversion is a binary search, cheap enough for millions of records.
/// Supported range: 1356 AH to 1500 AH (1937–2077 CE). Published tables
/// disagree by a day with ICU on some historic months before 1420 AH and
/// after 1450 AH, where the calendar was not yet (or not yet) fixed by
/// observation-based decree; dates there should be checked against the
/// authority's own table when it matters.
public enum UmmAlQura {
    public static let firstYear = 1356
    public static let lastYear = 1500

    /// A day of the Umm al-Qura calendar (month and day 1-based); prints as `YYYY-MM-DD`. Not checked on its own:
    /// converting it is what refuses a date outside the supported range.
    public struct HijriDate: Sendable, Hashable, CustomStringConvertible {
        public var year: Int
        public var month: Int
        public var day: Int
        public init(year: Int, month: Int, day: Int) {
            self.year = year
            self.month = month
            self.day = day
        }
        public var description: String {
            let m = month < 10 ? "0\(month)" : "\(month)"
            let d = day < 10 ? "0\(day)" : "\(day)"
            return "\(year)-\(m)-\(d)"
        }
    }

    /// Start day of each month from 1 Muharram `firstYear` to 1 Muharram `lastYear + 1`.
    private static let monthStarts: [Int32] = {
        var calendar = Calendar(identifier: .islamicUmmAlQura)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var starts: [Int32] = []
        starts.reserveCapacity((lastYear - firstYear + 1) * 12 + 1)
        for year in firstYear...(lastYear + 1) {
            for month in 1...12 {
                if year == lastYear + 1 && month > 1 { break }
                let date = calendar.date(from: DateComponents(year: year, month: month, day: 1))!
                let days = Int32((date.timeIntervalSince1970 / 86_400).rounded(.down))
                starts.append(days)
            }
        }
        return starts
    }()

    /// The Gregorian day of a Hijri date, or nil when it is not a real
    /// Umm al-Qura date (day 30 of a 29-day month) or out of range.
    public static func day(year: Int, month: Int, day: Int) -> Day? {
        guard (firstYear...lastYear).contains(year), (1...12).contains(month), day >= 1 else { return nil }
        let index = (year - firstYear) * 12 + (month - 1)
        let starts = monthStarts
        let length = Int(starts[index + 1] - starts[index])
        guard day <= length else { return nil }
        return Day(daysSinceEpoch: starts[index] + Int32(day - 1))
    }

    /// The Hijri date of a Gregorian day, or nil out of range.
    public static func hijri(_ day: Day) -> HijriDate? {
        let starts = monthStarts
        let d = day.daysSinceEpoch
        guard d >= starts[0], d < starts[starts.count - 1] else { return nil }
        var lo = 0, hi = starts.count - 1   // invariant: starts[lo] <= d < starts[hi]
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if starts[mid] <= d { lo = mid } else { hi = mid }
        }
        return HijriDate(year: firstYear + lo / 12, month: lo % 12 + 1, day: Int(d - starts[lo]) + 1)
    }

    /// Number of days in a Hijri month (29 or 30), nil out of range.
    public static func monthLength(year: Int, month: Int) -> Int? {
        guard (firstYear...lastYear).contains(year), (1...12).contains(month) else { return nil }
        let index = (year - firstYear) * 12 + (month - 1)
        return Int(monthStarts[index + 1] - monthStarts[index])
    }

    /// Parses `YYYY-MM-DD` in the Hijri calendar, optionally followed by
    /// `هـ` (or `ه`), with Western, Arabic-Indic or Persian digits.
    public static func parse(_ text: some StringProtocol) -> Day? {
        var s = Substring(text).trimmingCharacters(in: .whitespaces)
        for suffix in ["هـ", "ه"] where s.hasSuffix(suffix) {
            s = String(s.dropLast(suffix.count)).trimmingCharacters(in: .whitespaces)
            break
        }
        let ascii = Digits.toASCII(s)
        let bytes = Array(ascii.utf8)
        guard let (y, m, d) = Day.parseYMD(bytes[...]) else { return nil }
        return self.day(year: y, month: m, day: d)
    }
}
