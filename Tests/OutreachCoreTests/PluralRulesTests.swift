import Testing
@testable import OutreachCore

struct PluralRulesTests {
    /// Arabic (CLDR): zero n=0; one n=1; two n=2; few n%100=3..10; many n%100=11..99; other.
    static func expectedArabic(_ n: Int) -> PluralCategory {
        if n == 0 { return .zero }
        if n == 1 { return .one }
        if n == 2 { return .two }
        if (3...10).contains(n % 100) { return .few }
        if (11...99).contains(n % 100) { return .many }
        return .other
    }

    @Test func arabicIntegersZeroTo1200FollowCLDR() {
        for n in 0...1200 {
            #expect(PluralRules.category(of: PluralOperands(Int64(n)), language: "ar") == Self.expectedArabic(n), "n = \(n)")
        }
    }

    @Test(arguments: [
        (0, PluralCategory.zero), (1, .one), (2, .two), (3, .few), (10, .few), (11, .many), (99, .many),
        (100, .other), (101, .other), (102, .other), (103, .few), (110, .few), (111, .many), (199, .many),
        (200, .other), (1000, .other), (1001, .other), (1002, .other), (1003, .few), (1011, .many),
        (100_000, .other), (1_000_011, .many),
    ])
    func arabicSpotChecks(n: Int, category: PluralCategory) {
        #expect(PluralRules.category(of: PluralOperands(Int64(n)), language: "ar") == category)
    }

    @Test(arguments: [
        (0.5, PluralCategory.other), (1.0, .one), (2.0, .two), (3.5, .other), (0.0, .zero), (11.25, .other),
    ])
    func arabicDecimals(n: Double, category: PluralCategory) {
        #expect(PluralRules.category(of: PluralOperands(n), language: "ar") == category)
    }

    @Test(arguments: [
        ("en", 1.0, PluralCategory.one), ("en", 1.5, .other), ("en", 0.0, .other), ("en", 2.0, .other),
        ("ur", 1.0, .one), ("ur", 1.1, .other),
        ("fr", 0.0, .one), ("fr", 1.0, .one), ("fr", 1.5, .one), ("fr", 2.0, .other), ("fr", 1_000_000, .many),
        ("fr", 2_000_000, .many), ("fr", 1_000_001, .other),
        ("hi", 0.0, .one), ("hi", 0.5, .one), ("hi", 1.0, .one), ("hi", 1.5, .other), ("hi", 2.0, .other),
        ("bn", 0.3, .one), ("bn", 1.0, .one), ("bn", 5.0, .other),
        ("fa", 0.0, .one), ("fa", 1.0, .one), ("fa", 2.0, .other),
        ("id", 1.0, .other), ("id", 0.0, .other), ("ms", 1.0, .other),
        ("fil", 1.0, .one), ("fil", 3.0, .one), ("fil", 4.0, .other), ("fil", 5.0, .one), ("fil", 6.0, .other),
        ("fil", 9.0, .other), ("fil", 10.0, .one), ("fil", 14.0, .other), ("fil", 0.5, .one), ("fil", 0.4, .other),
        ("tl", 6.0, .other), ("tl", 7.0, .one),
        ("ru", 1.0, .one), ("ru", 3.0, .few), ("ru", 5.0, .many), ("ru", 11.0, .many), ("ru", 21.0, .one), ("ru", 1.5, .other),
        ("xx", 1.0, .other),
    ])
    func otherLanguages(language: String, n: Double, category: PluralCategory) {
        #expect(PluralRules.category(of: PluralOperands(n), language: language) == category)
    }

    @Test func operandsOfDecimalsUseVisibleDigits() {
        let x = PluralOperands(2.50)
        #expect(x.i == 2 && x.v == 1 && x.f == 5 && x.t == 5)
        let y = PluralOperands(1.0)
        #expect(y.i == 1 && y.v == 0)
        let z = PluralOperands(0.125)
        #expect(z.i == 0 && z.v == 3 && z.f == 125)
        let w = PluralOperands(Int64(-7))
        #expect(w.n == 7 && w.i == 7 && w.v == 0)
    }

    @Test(arguments: [
        (0, "لا توجد رسائل"), (1, "رسالة واحدة"), (2, "رسالتان"), (3, "٣ رسائل"), (11, "١١ رسالة"),
        (100, "١٠٠ رسالة"), (103, "١٠٣ رسائل"), (1000, "١٬٠٠٠ رسالة"),
    ])
    func arabicPluralMessage(n: Int, expected: String) throws {
        let text = "{n, plural, zero {لا توجد رسائل} one {رسالة واحدة} two {رسالتان} few {# رسائل} many {# رسالة} other {# رسالة}}"
        #expect(try renderedText(text, locale: "ar-SA", ["n": .int(Int64(n))]) == expected)
    }

    @Test func englishPluralWithDecimalsAndText() throws {
        let text = "{n, plural, one {# day} other {# days}}"
        #expect(try renderedText(text, ["n": .int(1)]) == "1 day")
        #expect(try renderedText(text, ["n": .decimal(1.5)]) == "1.5 days")
        #expect(try renderedText(text, ["n": .text("1")]) == "1 day")
        #expect(try renderedText(text, ["n": .text("١٢")]) == "12 days")
        #expect(try renderedText(text, ["n": .int(1234)]) == "1,234 days")
    }

    @Test(arguments: [
        (1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"), (13, "13th"),
        (21, "21st"), (22, "22nd"), (23, "23rd"), (101, "101st"), (111, "111th"),
    ])
    func englishOrdinals(n: Int, expected: String) throws {
        let text = "{n, selectordinal, one {#st} two {#nd} few {#rd} other {#th}}"
        #expect(try renderedText(text, ["n": .int(Int64(n))]) == expected)
    }

    @Test func ordinalsInOtherLanguages() {
        #expect(PluralRules.ordinalCategory(of: PluralOperands(Int64(1)), language: "fr") == .one)
        #expect(PluralRules.ordinalCategory(of: PluralOperands(Int64(2)), language: "fr") == .other)
        #expect(PluralRules.ordinalCategory(of: PluralOperands(Int64(1)), language: "ar") == .other)
        #expect(PluralRules.ordinalCategory(of: PluralOperands(Int64(6)), language: "hi") == .many)
        #expect(PluralRules.ordinalCategory(of: PluralOperands(Int64(5)), language: "bn") == .one)
    }
}
