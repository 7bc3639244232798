import Testing
@testable import OutreachCore

@Suite struct AudienceRuleEvaluationTests {
    typealias F = AudienceRuleFixture

    @Test(arguments: [
        // comparisons on ints, every operator
        ("visits = 5", [0]), ("visits != 5", [1, 3, 4]), ("visits <> 5", [1, 3, 4]), ("visits == 5", [0]),
        ("visits < 5", [1, 4]), ("visits <= 5", [0, 1, 4]), ("visits > 5", [3]), ("visits >= 5", [0, 3]),
        ("visits > 4.5", [0, 3]), ("visits = 4.5", []), ("visits >= -1", [0, 1, 3, 4]), ("visits = '5'", [0]),
        ("5 < visits", [3]), ("18 <= age(birth_date)", [0, 1, 4]),
        // decimals
        ("score > 3", [0, 3]), ("score >= 3", [0, 1, 3]), ("score = 3", [1]), ("score < 2.5", [4]),
        ("score <= 2.25", [4]), ("score != 3", [0, 3, 4]), ("score > visits", [1]), ("score <= visits", [0, 3, 4]),
        // IN / NOT IN / BETWEEN / NOT BETWEEN
        ("visits IN (0, 12)", [1, 3]), ("visits NOT IN (0, 12)", [0, 4]),
        ("visits BETWEEN 3 AND 5", [0, 4]), ("visits NOT BETWEEN 3 AND 5", [1, 3]),
        ("score BETWEEN 2.25 AND 4.5", [0, 1, 4]), ("visits BETWEEN 0 AND score", [1]),
        // bools, with literals read as yes/no
        ("vip", [0, 3]), ("NOT vip", [1, 4]), ("vip = true", [0, 3]), ("vip = 'نعم'", [0, 3]), ("vip = 'YES'", [0, 3]),
        ("vip = 0", [1, 4]), ("vip = 'لا'", [1, 4]), ("vip != true", [1, 4]), ("vip IN ('no')", [1, 4]),
        // genders, with the mapping in Arabic and English
        ("gender = 'female'", [1, 3, 4]), ("gender = 'أنثى'", [1, 3, 4]), ("gender = 'انثى'", [1, 3, 4]),
        ("gender = 'F'", [1, 3, 4]), ("gender = 'ذكر'", [0]), ("gender = 'Male'", [0]), ("gender != 'male'", [1, 3, 4]),
        ("gender IN ('m', 'f')", [0, 1, 3, 4]), ("gender NOT IN ('m')", [1, 3, 4]),
        // dates
        ("birth_date < '2000-01-01'", [0, 4]), ("birth_date >= '2000-02-29'", [1, 3]),
        ("birth_date = '٢٠٠٠-٠٢-٢٩'", [1]), ("expiry BETWEEN '2026-03-01' AND '2026-03-31'", [0, 1, 4]),
        ("expiry > birth_date", [0, 1, 3, 4]), ("birth_date IN ('1990-03-15', '1960-12-31')", [0, 4]),
        // functions
        ("age(birth_date) >= 18", [0, 1, 4]), ("age(birth_date) = 36", [0]), ("age(birth_date) < 18", [3]),
        ("age(birth_date) = 17", [3]), ("age(birth_date) = 26", [1]), ("age(birth_date) > 65", []),
        ("age(birth_date) BETWEEN 17 AND 36", [0, 1, 3]), ("AGE(birth_date) IN (26, 65)", [1, 4]),
        ("age(birth_date) > 17.5", [0, 1, 4]), ("age(birth_date) > visits", [0, 1, 3, 4]),
        ("days_until(expiry) BETWEEN 0 AND 7", [0, 4]), ("days_until(expiry) = 0", [4]),
        ("days_since(expiry) > 0", [1]), ("days_since(expiry) = 5", [1]), ("days_until(expiry) = -5", [1]),
        ("days_since(birth_date) < 7000", [3]),
        ("len(name) = 4", [0, 3, 4]), ("len(name) > 4", [1]), ("len(city) = 6", [1, 2, 3]), ("len(note) = 0", [0]),
        // text, Arabic-aware
        ("city = 'الرياض'", [1, 3]), ("city = 'jeddah'", [2, 4]), ("city != 'الرياض'", [0, 2, 4]),
        ("city = 'مكه  المكرمه'", [0]), ("city = \"مكة المكرمة\"", [0]),
        ("city IN ('جدة', 'Jeddah', 'مكة المكرمة')", [0, 2, 4]), ("city NOT IN ('JEDDAH')", [0, 1, 3]),
        ("city CONTAINS 'رياض'", [1, 3]), ("city CONTAINS 'ريّاض'", [1, 3]), ("city NOT CONTAINS 'رياض'", [0, 2, 4]),
        ("city STARTS WITH 'مك'", [0]), ("city STARTS WITH 'JED'", [2, 4]), ("city NOT STARTS WITH 'jed'", [0, 1, 3]),
        ("name CONTAINS 'AL'", [2]), ("name < 'b'", [2]), ("name BETWEEN 'a' AND 't'", [2, 4]),
        ("name = 'it''s'", []), ("city = name", []), ("city != name", [0, 1, 2, 3, 4]),
        // IS [NOT] EMPTY: missing or blank
        ("note IS EMPTY", [0, 2, 3]), ("note IS NOT EMPTY", [1, 4]), ("`note` is empty", [0, 2, 3]),
        ("visits IS EMPTY", [2]), ("birth_date IS NOT EMPTY", [0, 1, 3, 4]), ("vip IS EMPTY", [2]),
        ("gender IS EMPTY", [2]), ("email IS EMPTY", [2, 4]), ("age(birth_date) IS EMPTY", [2]),
        // phones: literals normalised to E.164
        ("mobile = '0501234567'", [0]), ("mobile = '+966 50 123 4567'", [0]), ("mobile = '٠٥٠١٢٣٤٥٦٧'", [0]),
        ("mobile = '501234567'", [0]), ("mobile = '00966501234567'", [0]), ("mobile = '966501234567'", [0]),
        ("mobile = '(050) 123-4567'", [0]), ("mobile IN ('0551112222', '+447700900123')", [1, 4]),
        ("mobile != '0501234567'", [1, 3, 4]), ("mobile STARTS WITH '05'", [0, 1, 3]), ("mobile STARTS WITH '+44'", [4]),
        ("mobile CONTAINS '1234'", [0, 3]),
        // emails are text: case-folded
        ("email = 'MOHAMMED@example.com'", [0]), ("email CONTAINS '.sa'", [1, 3]),
        // constants and keyword case
        ("true", [0, 1, 2, 3, 4]), ("false", []), ("TRUE AND vip", [0, 3]),
        ("city in ('جدة') or vip AND NOT gender = 'male'", [3]),
    ])
    func operators(_ rule: String, _ expected: [Int]) throws {
        #expect(try F.members(rule) == expected, "\(rule)")
    }

    @Test(arguments: [
        // NOT unknown is unknown
        ("NOT visits = 5", [1, 3, 4]),
        // unknown OR unknown is unknown; true OR unknown is true
        ("visits = 5 OR vip", [0, 3]),
        ("visits > 100 OR city = 'jeddah'", [2, 4]),
        // unknown AND true is unknown
        ("visits > 0 AND city = 'Jeddah'", [4]),
        // unknown AND false is false, so its negation is true
        ("NOT (visits > 0 AND city = 'الرياض')", [0, 1, 2, 4]),
        // unknown OR false is unknown, so its negation is unknown
        ("NOT (visits > 0 OR city = 'الرياض')", []),
        ("NOT NOT vip", [0, 3]),
        // true OR unknown must stay plain true through double negation
        ("NOT NOT (visits > 100 OR city = 'jeddah')", [2, 4]),
        ("NOT (NOT (visits > 100 OR city = 'jeddah') OR false)", [2, 4]),
        // false AND unknown must stay plain false through negation
        ("NOT NOT NOT (visits > 0 AND city = 'الرياض')", [0, 1, 2, 4]),
        ("visits NOT IN (1, 2)", [0, 1, 3, 4]),
        ("visits NOT BETWEEN 100 AND 200", [0, 1, 3, 4]),
        ("NOT vip IS EMPTY", [0, 1, 3, 4]),
        ("NOT (vip OR visits > 100)", [1, 4]),
        ("NOT (vip AND visits > 100)", [0, 1, 3, 4]),
        // a missing text is unknown, not "different"
        ("gender != 'female'", [0]),
        ("birth_date != '2000-02-29'", [0, 3, 4]),
    ])
    func threeValuedLogic(_ rule: String, _ expected: [Int]) throws {
        #expect(try F.members(rule) == expected, "\(rule)")
    }

    @Test func precedenceChangesTheResult() throws {
        #expect(try F.members("vip OR visits = 0 AND gender = 'male'") == [0, 3])
        #expect(try F.members("(vip OR visits = 0) AND gender = 'male'") == [0])
        #expect(try F.members("NOT vip AND gender = 'female'") == [1, 4])
        #expect(try F.members("NOT (vip AND gender = 'female')") == [0, 1, 4])
    }

    @Test func ageAcrossBirthdays() throws {
        // born 2008-03-16: 17 on the 15th, 18 on the 16th
        let before = try F.members("age(birth_date) >= 18", today: Day(year: 2026, month: 3, day: 15)!)
        let on = try F.members("age(birth_date) >= 18", today: Day(year: 2026, month: 3, day: 16)!)
        #expect(!before.contains(3))
        #expect(on.contains(3))
    }

    @Test(arguments: [
        // born 2000-02-29: turns 26 on 1 March 2026 in a common year
        ("2026-02-28", 25), ("2026-03-01", 26),
        // in a leap year the birthday is 29 February itself
        ("2024-02-28", 23), ("2024-02-29", 24), ("2024-03-01", 24),
    ])
    func ageOfLeapDayBirth(_ todayISO: String, _ age: Int) throws {
        let today = Day(iso: todayISO)!
        #expect(try F.members("age(birth_date) = \(age)", today: today).contains(1))
        #expect(try !F.members("age(birth_date) = \(age + 1)", today: today).contains(1))
        #expect(try F.members("age(birth_date) >= \(age)", today: today).contains(1))
        #expect(try !F.members("age(birth_date) > \(age)", today: today).contains(1))
    }

    @Test func evaluationHonoursToday() throws {
        let later = Day(year: 2026, month: 3, day: 20)!
        #expect(try F.members("days_until(expiry) = 0", today: later) == [0])
        #expect(try F.members("days_since(expiry) >= 5", today: later) == [1, 4])
    }

    @Test func hijriDateLiterals() throws {
        var p = Population(schema: PopulationSchema(idField: "id", fields: ["h": .hijriDate, "g": .date]), fieldNames: ["h", "g"])
        let start1420 = try #require(UmmAlQura.day(year: 1420, month: 1, day: 1))
        for offset in [-1, 0, 1] {
            p.append(["h": .date(start1420.adding(days: offset)), "g": .date(start1420.adding(days: offset))])
        }
        // a hijri_date field reads Umm al-Qura literals, and still ISO Gregorian ones
        #expect(try F.members("h < '1420-01-01'", in: p) == [0])
        #expect(try F.members("h = '١٤٢٠-٠١-٠١'", in: p) == [1])
        #expect(try F.members("h >= '\(start1420.iso)'", in: p) == [1, 2])
        // a date field reads Hijri only when marked with هـ
        #expect(try F.members("g > '1420-01-01هـ'", in: p) == [2])
        #expect(try F.members("g < '1420-01-01'", in: p).isEmpty)
        let error = try #require(F.error("birth_date = '1445-13-01هـ'"))
        #expect(error.code == .invalidValue)
        #expect(error.message.contains("Umm al-Qura"))
    }

    @Test func emptyPopulation() throws {
        let empty = Population(schema: F.schema, fieldNames: F.fields)
        let set = try F.members("vip OR NOT city = 'x' OR note IS EMPTY", in: empty)
        #expect(set.isEmpty)
        let none = try AudienceRule.parse(SourceText("true")).compile(fieldTypes: empty.fieldTypes).evaluate(over: empty, today: F.today)
        #expect(none.capacity == 0 && none.count == 0)
    }

    @Test func compiledRuleIsReusable() throws {
        let rule = try AudienceRule.parse(SourceText("age(birth_date) >= 18 AND gender = 'female'"))
        let compiled = try rule.compile(fieldTypes: F.population.fieldTypes)
        #expect(try compiled.evaluate(over: F.population, today: F.today).rows == [1, 4])
        #expect(try compiled.evaluate(over: F.population, today: Day(year: 2026, month: 3, day: 16)!).rows == [1, 3, 4])
    }
}

/// A small population with every field type and some missing values.
enum AudienceRuleFixture {
    static let today = Day(year: 2026, month: 3, day: 15)!

    static let schema = PopulationSchema(idField: "id", fields: [
        "birth_date": .date, "gender": .gender, "mobile": .phone, "email": .email,
        "visits": .int, "score": .decimal, "vip": .bool, "expiry": .date,
    ])

    static let fields = ["id", "name", "city", "birth_date", "gender", "mobile", "email",
                         "visits", "score", "vip", "note", "expiry"]

    static func day(_ iso: String) -> Value { .date(Day(iso: iso)!) }

    static let population: Population = {
        var p = Population(schema: schema, fieldNames: fields)
        // row 0: exactly 36 today
        p.append(["id": .text("1"), "name": .text("محمد"), "city": .text("مكة المكرمة"), "birth_date": day("1990-03-15"),
                  "gender": .gender(.male), "mobile": .text("+966501234567"), "email": .text("Mohammed@Example.com"),
                  "visits": .int(5), "score": .decimal(4.5), "vip": .bool(true), "note": .text(""), "expiry": day("2026-03-20")])
        // row 1: born on 29 February
        p.append(["id": .text("2"), "name": .text("فاطمة"), "city": .text("الرياض"), "birth_date": day("2000-02-29"),
                  "gender": .gender(.female), "mobile": .text("+966551112222"), "email": .text("fatima@example.sa"),
                  "visits": .int(0), "score": .decimal(3.0), "vip": .bool(false), "note": .text("مرحبا"), "expiry": day("2026-03-10")])
        // row 2: mostly missing; blank note
        p.append(["id": .text("3"), "name": .text("Ali"), "city": .text("Jeddah"), "note": .text("   ")])
        // row 3: turns 18 tomorrow
        p.append(["id": .text("4"), "name": .text("نورة"), "city": .text("الرِّياض"), "birth_date": day("2008-03-16"),
                  "gender": .gender(.female), "mobile": .text("+966512345678"), "email": .text("noura@example.sa"),
                  "visits": .int(12), "score": .decimal(5.0), "vip": .bool(true), "expiry": day("2027-01-01")])
        // row 4
        p.append(["id": .text("5"), "name": .text("Sara"), "city": .text("jeddah "), "birth_date": day("1960-12-31"),
                  "gender": .gender(.female), "mobile": .text("+447700900123"),
                  "visits": .int(3), "score": .decimal(2.25), "vip": .bool(false), "note": .text("hello world"),
                  "expiry": day("2026-03-15")])
        return p
    }()

    /// Rows where `rule` is true.
    static func members(_ rule: String, today: Day = today, in population: Population = population) throws -> [Int] {
        let parsed = try AudienceRule.parse(SourceText(rule))
        let compiled = try parsed.compile(fieldTypes: population.fieldTypes)
        return try compiled.evaluate(over: population, today: today).rows
    }

    /// The first error compiling `rule` against the fixture.
    static func error(_ rule: String, source: SourceText? = nil) -> OutreachError? {
        do {
            let parsed = try AudienceRule.parse(source ?? SourceText(rule))
            _ = try parsed.compile(fieldTypes: population.fieldTypes)
            return nil
        } catch {
            return error
        }
    }
}
