import Testing
@testable import OutreachCore

struct HijriTests {
    @Test(arguments: [
        (1446, 9, 1, "2025-03-01"),
        (1447, 1, 1, "2025-06-26"),
        (1447, 9, 1, "2026-02-18"),
        (1447, 10, 1, "2026-03-20"),
        (1448, 1, 1, "2026-06-16"),
        (1447, 6, 11, "2025-12-02"),
    ])
    func knownUmmAlQuraDates(year: Int, month: Int, day: Int, iso: String) throws {
        let expected = try #require(Day(iso: iso))
        #expect(UmmAlQura.day(year: year, month: month, day: day) == expected)
        #expect(UmmAlQura.hijri(expected) == UmmAlQura.HijriDate(year: year, month: month, day: day))
    }

    @Test func roundTripsAcrossTheWholeRange() throws {
        let first = try #require(UmmAlQura.day(year: UmmAlQura.firstYear, month: 1, day: 1))
        let lastLength = try #require(UmmAlQura.monthLength(year: UmmAlQura.lastYear, month: 12))
        let last = try #require(UmmAlQura.day(year: UmmAlQura.lastYear, month: 12, day: lastLength))
        var previous: UmmAlQura.HijriDate?
        var failures = 0
        for d in first.daysSinceEpoch...last.daysSinceEpoch {
            let day = Day(daysSinceEpoch: d)
            guard let h = UmmAlQura.hijri(day), UmmAlQura.day(year: h.year, month: h.month, day: h.day) == day else {
                failures += 1
                continue
            }
            // Consecutive days advance by exactly one Hijri day.
            if let p = previous {
                let advances = (h.year == p.year && h.month == p.month && h.day == p.day + 1)
                    || (h.day == 1 && (p.day == 29 || p.day == 30)
                        && ((h.year == p.year && h.month == p.month + 1) || (h.year == p.year + 1 && h.month == 1 && p.month == 12)))
                if !advances { failures += 1 }
            }
            previous = h
        }
        #expect(failures == 0)
        #expect(UmmAlQura.hijri(first.adding(days: -1)) == nil)
        #expect(UmmAlQura.hijri(last.adding(days: 1)) == nil)
    }

    @Test func monthLengthsAre29Or30AndYearsAre354Or355() {
        for year in UmmAlQura.firstYear...UmmAlQura.lastYear {
            var total = 0
            for month in 1...12 {
                let length = UmmAlQura.monthLength(year: year, month: month) ?? 0
                #expect(length == 29 || length == 30, "\(year)-\(month)")
                total += length
            }
            #expect(total == 354 || total == 355, "year \(year)")
        }
    }

    @Test func invalidHijriDatesAreRejected() {
        #expect(UmmAlQura.day(year: 1447, month: 13, day: 1) == nil)
        #expect(UmmAlQura.day(year: 1447, month: 1, day: 31) == nil)
        #expect(UmmAlQura.day(year: 1355, month: 1, day: 1) == nil)
        #expect(UmmAlQura.day(year: 1501, month: 1, day: 1) == nil)
        if let length = UmmAlQura.monthLength(year: 1447, month: 9), length == 29 {
            #expect(UmmAlQura.day(year: 1447, month: 9, day: 30) == nil)
        }
    }

    @Test func parsesHijriTextWithArabicDigitsAndSuffix() {
        #expect(UmmAlQura.parse("١٤٤٧-٠٩-٠١هـ") == Day(iso: "2026-02-18"))
        #expect(UmmAlQura.parse("1447-01-01") == Day(iso: "2025-06-26"))
        #expect(UmmAlQura.parse("1447-1-1") == nil)
    }
}
