import Testing
@testable import OutreachCore

/// Checks the vectorised evaluator against a naive per-row evaluator written
/// here, over many generated rows (catches word-boundary and bitmap bugs).
@Suite struct AudienceRuleBitmapTests {
    /// SplitMix64: deterministic, no Foundation.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let cities = ["الرياض", "الرِّياض", "جدة", "جده", "مكة المكرمة", "مكه  المكرمه", "Riyadh", "RIYADH ",
                         "الدمام", "أبها", "ابها", "الخبر", "تبوك", "  ", ""]
    static let notes = ["", "مرحبا", "hello", "   ", "ملاحظة"]

    /// Row values kept as plain arrays for the reference evaluator.
    struct Rows {
        var city: [String?] = [], note: [String?] = [], birth: [Day?] = [], gender: [Gender?] = []
        var vip: [Bool?] = [], visits: [Int64?] = [], score: [Double?] = []
    }

    static func generate(count: Int) -> (Population, Rows) {
        var rng = Generator(state: 42)
        let schema = PopulationSchema(idField: "id", fields: [
            "birth_date": .date, "gender": .gender, "vip": .bool, "visits": .int, "score": .decimal,
        ])
        let names = ["id", "city", "note", "birth_date", "gender", "vip", "visits", "score"]
        var population = Population(schema: schema, fieldNames: names)
        var rows = Rows()
        func maybe<T>(_ value: T) -> T? { rng.next() % 10 == 0 ? nil : value }
        for i in 0..<count {
            let city = maybe(cities[Int(rng.next() % UInt64(cities.count))])
            let note = maybe(notes[Int(rng.next() % UInt64(notes.count))])
            let birth = maybe(Day(daysSinceEpoch: Int32(-15_000 + Int(rng.next() % 35_000))))
            let gender = maybe(rng.next() % 2 == 0 ? Gender.male : .female)
            let vip = maybe(rng.next() % 3 == 0)
            let visits = maybe(Int64(rng.next() % 12))
            let score = maybe(Double(rng.next() % 1000) / 100)
            rows.city.append(city); rows.note.append(note); rows.birth.append(birth); rows.gender.append(gender)
            rows.vip.append(vip); rows.visits.append(visits); rows.score.append(score)
            population.append(ordered: [
                .text(String(i)), city.map(Value.text), note.map(Value.text), birth.map(Value.date),
                gender.map(Value.gender), vip.map(Value.bool), visits.map(Value.int), score.map(Value.decimal),
            ])
        }
        return (population, rows)
    }

    // Kleene logic on Bool? (nil is unknown).
    static func and(_ a: Bool?, _ b: Bool?) -> Bool? {
        if a == false || b == false { return false }
        if a == nil || b == nil { return nil }
        return true
    }
    static func or(_ a: Bool?, _ b: Bool?) -> Bool? {
        if a == true || b == true { return true }
        if a == nil || b == nil { return nil }
        return false
    }
    static func not(_ a: Bool?) -> Bool? { a.map { !$0 } }
    static func cmp<T>(_ a: T?, _ f: (T) -> Bool) -> Bool? { a.map(f) }

    @Test func vectorisedMatchesPerRowReference() throws {
        let count = 200_003 // not a multiple of 64
        let (population, r) = Self.generate(count: count)
        let today = Day(year: 2026, month: 2, day: 28)!
        var keys: [String: String] = [:]
        for c in Self.cities + Self.notes { keys[c] = ArabicText.normalize(c) }
        // Per-row inputs computed once (Day.age and dictionary look-ups are slow in debug builds).
        let cityKey: [String?] = r.city.map { $0.map { keys[$0]! } }
        let age: [Int?] = r.birth.map { $0?.age(on: today) }
        let riyadh = ArabicText.normalize("الرياض")
        let cutoff = Day(iso: "1990-06-01")!

        let cases: [(String, (Int) -> Bool?)] = [
            ("age(birth_date) >= 30 AND city = 'الرياض' OR NOT vip", { i in
                Self.or(Self.and(Self.cmp(age[i]) { $0 >= 30 }, Self.cmp(cityKey[i]) { $0 == riyadh }),
                        Self.not(r.vip[i]))
            }),
            ("visits BETWEEN 3 AND 7 AND NOT gender = 'female'", { i in
                Self.and(Self.cmp(r.visits[i]) { $0 >= 3 && $0 <= 7 }, Self.not(Self.cmp(r.gender[i]) { $0 == .female }))
            }),
            ("score > 2.5 OR city IN ('جدة', 'مكة المكرمة') AND age(birth_date) < 40", { i in
                Self.or(Self.cmp(r.score[i]) { $0 > 2.5 },
                        Self.and(Self.cmp(cityKey[i]) { $0 == "جده" || $0 == "مكه المكرمه" },
                                 Self.cmp(age[i]) { $0 < 40 }))
            }),
            ("NOT (visits NOT IN (1, 2, 3) OR birth_date > '1990-06-01')", { i in
                Self.not(Self.or(Self.not(Self.cmp(r.visits[i]) { [1, 2, 3].contains($0) }), Self.cmp(r.birth[i]) { $0 > cutoff }))
            }),
            ("note IS EMPTY AND city CONTAINS 'ر' OR city IS EMPTY", { i in
                let noteEmpty = r.note[i].map { $0.allSatisfy(\.isWhitespace) } ?? true
                let cityEmpty = r.city[i].map { $0.allSatisfy(\.isWhitespace) } ?? true
                return Self.or(Self.and(noteEmpty, Self.cmp(cityKey[i]) { $0.contains("ر") }), cityEmpty)
            }),
            ("days_since(birth_date) > 10000 AND (vip OR score <= 1)", { i in
                Self.and(Self.cmp(r.birth[i]) { today.daysSinceEpoch - $0.daysSinceEpoch > 10000 },
                         Self.or(r.vip[i], Self.cmp(r.score[i]) { $0 <= 1 }))
            }),
            ("len(city) = 5 OR gender != 'male' OR visits > score", { i in
                let greater: Bool? = r.visits[i] != nil && r.score[i] != nil ? Double(r.visits[i]!) > r.score[i]! : nil
                return Self.or(Self.or(Self.cmp(r.city[i]) { $0.count == 5 }, Self.not(Self.cmp(r.gender[i]) { $0 == .male })),
                               greater)
            }),
            ("NOT (NOT (vip OR visits > 5) AND NOT city = 'الرياض') OR NOT NOT (score < 1 AND gender = 'male')", { i in
                Self.or(Self.not(Self.and(Self.not(Self.or(r.vip[i], Self.cmp(r.visits[i]) { $0 > 5 })),
                                          Self.not(Self.cmp(cityKey[i]) { $0 == riyadh }))),
                        Self.and(Self.cmp(r.score[i]) { $0 < 1 }, Self.cmp(r.gender[i]) { $0 == .male }))
            }),
            ("age(birth_date) NOT BETWEEN 18 AND 65 AND NOT vip = false", { i in
                Self.and(Self.not(Self.cmp(age[i]) { (18...65).contains($0) }), Self.not(Self.cmp(r.vip[i]) { !$0 }))
            }),
        ]
        for (rule, reference) in cases {
            let compiled = try AudienceRule.parse(SourceText(rule)).compile(fieldTypes: population.fieldTypes)
            let set = try compiled.evaluate(over: population, today: today)
            var expected: [Int] = []
            for i in 0..<count where reference(i) == true { expected.append(i) }
            #expect(set.capacity == count)
            #expect(set.count == expected.count, "\(rule)")
            let rows = set.rows
            let firstDifference = zip(rows, expected).first { $0 != $1 }.map { "\($0) vs \($1)" }
            let same = rows.elementsEqual(expected)
            #expect(same, "\(rule): first differing row (vectorised vs reference): \(firstDifference ?? "length")")
            #expect(expected.count > 100 && expected.count < count - 100, "\(rule) should select some rows, not all")
        }
    }

    /// `age(d) op n` is compiled to a day range; compare it with `Day.age`
    /// for every birth day of three years and evaluation days around
    /// 28 February – 1 March in leap and common years.
    @Test func ageRangesMatchDayAge() throws {
        let start = Day(year: 1999, month: 12, day: 1)!.daysSinceEpoch
        let end = Day(year: 2003, month: 3, day: 31)!.daysSinceEpoch
        var population = Population(schema: PopulationSchema(idField: "id", fields: ["b": .date]), fieldNames: ["id", "b"])
        var births: [Day] = []
        for d in start...end {
            births.append(Day(daysSinceEpoch: d))
            population.append(ordered: [.text(String(d)), .date(Day(daysSinceEpoch: d))])
        }
        let todays = ["2024-02-28", "2024-02-29", "2024-03-01", "2025-02-28", "2025-03-01", "2003-03-01", "2002-12-31"]
        let ops: [(String, (Int, Int) -> Bool)] = [
            (">=", { $0 >= $1 }), (">", { $0 > $1 }), ("<", { $0 < $1 }), ("<=", { $0 <= $1 }), ("=", { $0 == $1 }), ("!=", { $0 != $1 }),
        ]
        for iso in todays {
            let today = Day(iso: iso)!
            let ages = births.map { $0.age(on: today) }
            for n in [-1, 0, 1, 2, 3, 21, 22, 23, 24, 25] {
                for (op, holds) in ops {
                    let rule = "age(b) \(op) \(n)"
                    let set = try AudienceRule.parse(SourceText(rule)).compile(fieldTypes: population.fieldTypes)
                        .evaluate(over: population, today: today)
                    let expected = ages.indices.filter { holds(ages[$0], n) }
                    let same = set.rows.elementsEqual(expected)
                    #expect(same, "\(rule) on \(iso)")
                }
            }
        }
    }
}
