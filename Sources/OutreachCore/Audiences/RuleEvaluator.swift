/// Runs a `RulePlan` over the columns of a population, producing a
/// three-valued bitmap. Each leaf is one tight loop over one typed array;
/// text leaves decide once per dictionary entry and then map codes to bits.
struct RuleEvaluator {
    let population: Population
    let today: Day
    /// Evaluated audiences that `IN AUDIENCE` may name.
    let audiences: [String: RowSet]

    var count: Int { population.count }

    func evaluate(_ plan: RulePlan) throws(OutreachError) -> TruthBitmap {
        switch plan {
        case .constant(let b):
            return .constant(b, count: count)
        case .and(let terms):
            var result = TruthBitmap.constant(true, count: count)
            for term in terms { result = result.and(try evaluate(term)) }
            return result
        case .or(let terms):
            var result = TruthBitmap.constant(false, count: count)
            for term in terms { result = result.or(try evaluate(term)) }
            return result
        case .not(let a):
            return try evaluate(a).negated()
        case .audience(let name, _):
            guard let set = audiences[name] else {
                throw OutreachError(.unknownName, "audience '\(name)' was not evaluated before the rule that uses it")
            }
            return TruthBitmap(set, count: count)
        case .text(let field, let test):
            let column = try textColumn(field)
            var table = [UInt8](repeating: 0, count: column.dictionary.count)
            table[0] = test.missingVerdict
            for code in 1..<column.dictionary.count {
                table[code] = test.verdict(column.dictionary[code])
            }
            return TruthBitmap.lookup(column.codes, table: table, count: count)
        case .byteTable(let field, let table):
            switch population.column(field) {
            case .bool(let bytes)?, .gender(let bytes)?:
                return TruthBitmap.lookup(bytes, table: table, count: count)
            default:
                throw wrongColumn(field, "a yes/no or gender")
            }
        case .intRange(let field, let range):
            guard case .int(let values)? = population.column(field) else { throw wrongColumn(field, "an int") }
            let low = range.low, high = range.high
            return values.withUnsafeBufferPointer { p in
                TruthBitmap.build(count: Swift.min(count, p.count),
                                  RangeState(values: p, low: low, high: high, missing: Column.missingInt))
            }.padded(to: count)
        case .decimalRange(let field, let low, let high):
            guard case .decimal(let values)? = population.column(field) else { throw wrongColumn(field, "a decimal") }
            return values.withUnsafeBufferPointer { p in
                TruthBitmap.build(count: Swift.min(count, p.count), DecimalRangeState(values: p, low: low, high: high))
            }.padded(to: count)
        case .dayRange(let field, let function, let range):
            guard case .date(let days)? = population.column(field) else { throw wrongColumn(field, "a date") }
            // Clamped to Int32 so the loop compares days as stored; present
            // days are above Int32.min (the missing sentinel).
            let dayRange = RuleEvaluator.dayRange(function, range, today: today)
            let low = Int32(clamping: Swift.max(dayRange.low, Int64(Int32.min) + 1))
            let high = Int32(clamping: dayRange.high)
            let empty = dayRange.isEmpty || dayRange.high <= Int64(Int32.min)
            return days.withUnsafeBufferPointer { p in
                TruthBitmap.build(count: Swift.min(count, p.count),
                                  RangeState(values: p, low: low, high: high, missing: Column.missingDate, empty: empty))
            }.padded(to: count)
        case .isMissing(let field):
            return try missing(field)
        case .columns(let a, let op, let b):
            return try compareColumns(a, op, b)
        }
    }

    private func wrongColumn(_ field: String, _ kind: String) -> OutreachError {
        OutreachError(.typeMismatch, "field '\(field)' is not \(kind) column in this population",
                      hint: "the rule was compiled for different field types")
    }

    private func textColumn(_ field: String) throws(OutreachError) -> TextColumn {
        guard case .text(let column)? = population.column(field) else { throw wrongColumn(field, "a text") }
        return column
    }

    /// The days `d` whose `function(d)` lies in `range`, as an inclusive
    /// range of days since the epoch.
    static func dayRange(_ function: DayFunction, _ range: IntRange, today: Day) -> IntRange {
        guard !range.isEmpty else { return .empty }
        let t = Int64(today.daysSinceEpoch)
        switch function {
        case .identity:
            return range
        case .daysSince:
            // today - d in [a, b]  ⇔  d in [today - b, today - a]
            let r = range.clamped(to: 1 << 40)
            return IntRange(low: t - r.high, high: t - r.low)
        case .daysUntil:
            let r = range.clamped(to: 1 << 40)
            return IntRange(low: t + r.low, high: t + r.high)
        case .age:
            // age(d) >= n  ⇔  d <= latestBirth(n); age in [a, b] ⇔
            // latestBirth(b + 1) < d <= latestBirth(a).
            let r = range.clamped(to: 30_000)
            let high = latestBirth(forAge: r.low, today: today)
            let below = latestBirth(forAge: r.high + 1, today: today)
            let low = below == .max ? Int64.max : below + 1
            return IntRange(low: low, high: high)
        }
    }

    /// The last birth day at which a person is at least `age` years old on
    /// `today`: the same month and day `age` years earlier, with 29 February
    /// becoming 28 February in a common year (someone born on 29 February
    /// turns a year older on 1 March in common years, as `Day.age` counts).
    static func latestBirth(forAge age: Int64, today: Day) -> Int64 {
        let c = today.components
        let year = Int64(c.year) - age
        if year > 9999 { return .max }
        if year < -9999 { return .min }
        let y = Int(year)
        let d = Swift.min(c.day, Day.daysInMonth(year: y, month: c.month))
        guard let day = Day(year: y, month: c.month, day: d) else { return .min }
        return Int64(day.daysSinceEpoch)
    }

    private func missing(_ field: String) throws(OutreachError) -> TruthBitmap {
        guard let column = population.column(field) else { throw wrongColumn(field, "a") }
        func run<T>(_ values: [T], _ isMissing: (T) -> Bool) -> TruthBitmap {
            values.withUnsafeBufferPointer { p in
                TruthBitmap.build(count: Swift.min(count, p.count)) { row in isMissing(p[row]) ? 1 : 0 }
            }.paddedMissing(to: count)
        }
        switch column {
        case .text(let c): return run(c.codes) { $0 == 0 }
        case .int(let a): return run(a) { $0 == Column.missingInt }
        case .decimal(let a): return run(a) { $0.isNaN }
        case .bool(let a), .gender(let a): return run(a) { $0 == Column.missingByte }
        case .date(let a): return run(a) { $0 == Column.missingDate }
        }
    }

    // MARK: Field against field (row by row; the rare path)

    private func compareColumns(_ a: ValueSource, _ op: ComparisonOperator, _ b: ValueSource) throws(OutreachError) -> TruthBitmap {
        if a.type.isTextLike {
            let (ra, rb) = try textRanks(a.field, b.field, phone: a.type == .phone || b.type == .phone)
            return compareRows(ra, rb, op, missing: -1)
        }
        if a.type == .gender || a.type == .bool {
            let ba = try bytes(a.field), bb = try bytes(b.field)
            return compareRows(ba.map(Int32.init), bb.map(Int32.init), op, missing: Int32(Column.missingByte))
        }
        let va = try numbers(a), vb = try numbers(b)
        let n = count
        return va.withUnsafeBufferPointer { pa in
            vb.withUnsafeBufferPointer { pb in
                TruthBitmap.build(count: n) { row in
                    let x = pa[row], y = pb[row]
                    if x.isNaN || y.isNaN { return 2 }
                    return RuleEvaluator.holds(x, op, y) ? 1 : 0
                }
            }
        }
    }

    private func compareRows(_ a: [Int32], _ b: [Int32], _ op: ComparisonOperator, missing: Int32) -> TruthBitmap {
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                TruthBitmap.build(count: count) { row in
                    let x = row < pa.count ? pa[row] : missing, y = row < pb.count ? pb[row] : missing
                    if x == missing || y == missing { return 2 }
                    return RuleEvaluator.holds(x, op, y) ? 1 : 0
                }
            }
        }
    }

    static func holds<T: Comparable>(_ x: T, _ op: ComparisonOperator, _ y: T) -> Bool {
        switch op {
        case .equal: return x == y
        case .notEqual: return x != y
        case .less: return x < y
        case .lessOrEqual: return x <= y
        case .greater: return x > y
        case .greaterOrEqual: return x >= y
        }
    }

    /// Per-row rank of each value's comparison key among the keys of both
    /// columns (equal keys, equal ranks); -1 for missing.
    private func textRanks(_ fa: String, _ fb: String, phone: Bool) throws(OutreachError) -> ([Int32], [Int32]) {
        let ca = try textColumn(fa), cb = try textColumn(fb)
        let keysA = ca.dictionary.dropFirst().map { TextTest.key($0, phone: phone) }
        let keysB = cb.dictionary.dropFirst().map { TextTest.key($0, phone: phone) }
        let sorted = Array(Set(keysA).union(keysB)).sorted()
        var rank: [String: Int32] = [:]
        for (i, k) in sorted.enumerated() { rank[k] = Int32(i) }
        let mapA: [Int32] = [-1] + keysA.map { rank[$0] ?? -1 }
        let mapB: [Int32] = [-1] + keysB.map { rank[$0] ?? -1 }
        let rowsA = ca.codes.map { mapA[Int($0)] }
        let rowsB = cb.codes.map { mapB[Int($0)] }
        return (rowsA, rowsB)
    }

    private func bytes(_ field: String) throws(OutreachError) -> [UInt8] {
        switch population.column(field) {
        case .bool(let a)?, .gender(let a)?: return a
        default: throw wrongColumn(field, "a yes/no or gender")
        }
    }

    /// A numeric operand as doubles, NaN for missing (ints above 2^53 lose
    /// precision on this path only).
    private func numbers(_ s: ValueSource) throws(OutreachError) -> [Double] {
        var out = [Double](repeating: .nan, count: count)
        switch s {
        case .field(let f, _):
            switch population.column(f) {
            case .int(let a)?:
                for i in 0..<Swift.min(count, a.count) where a[i] != Column.missingInt { out[i] = Double(a[i]) }
            case .decimal(let a)?:
                for i in 0..<Swift.min(count, a.count) { out[i] = a[i] }
            case .date(let a)?:
                for i in 0..<Swift.min(count, a.count) where a[i] != Column.missingDate { out[i] = Double(a[i]) }
            default:
                throw wrongColumn(f, "a numeric or date")
            }
        case .dayFunction(let fn, let f):
            guard case .date(let a)? = population.column(f) else { throw wrongColumn(f, "a date") }
            let t = today.daysSinceEpoch
            for i in 0..<Swift.min(count, a.count) where a[i] != Column.missingDate {
                switch fn {
                case .identity: out[i] = Double(a[i])
                case .age: out[i] = Double(Day(daysSinceEpoch: a[i]).age(on: today))
                case .daysSince: out[i] = Double(Int64(t) - Int64(a[i]))
                case .daysUntil: out[i] = Double(Int64(a[i]) - Int64(t))
                }
            }
        case .length(let f):
            let c = try textColumn(f)
            let lengths = c.dictionary.map { Double($0.count) }
            for i in 0..<Swift.min(count, c.codes.count) where c.codes[i] != 0 { out[i] = lengths[Int(c.codes[i])] }
        }
        return out
    }
}
