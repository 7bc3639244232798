import Testing
@testable import OutreachCore

/// The warm path's parallel and vectorised pieces against their plain
/// versions: `TruthBitmap.build` over row ranges on all cores with SIMD
/// range tests, and snapshot columns loaded in pieces.
@Suite("Parallel evaluation")
struct ParallelEvaluationTests {
    static func values<T: FixedWidthInteger>(_ count: Int, missing: T, seed: UInt64) -> [T] {
        var rng = AudienceRuleBitmapTests.Generator(state: seed)
        return (0..<count).map { _ in
            let r = rng.next()
            return r % 9 == 0 ? missing : T(truncatingIfNeeded: Int64(r % 2_000) - 1_000)
        }
    }

    static func same(_ a: TruthBitmap, _ b: TruthBitmap) -> Bool {
        a.count == b.count && a.trueBits == b.trueBits && (a.unknownBits ?? []) == (b.unknownBits ?? [])
    }

    /// Sizes around word boundaries, and one past the parallel threshold
    /// (on a machine with two or more cores).
    static let sizes = [0, 1, 63, 64, 65, 130, 4_097, RowRanges.minimumWords * 64 * 2 + 77]

    @Test(arguments: sizes)
    func int32RangesMatchThePerRowBuild(count: Int) {
        let days: [Int32] = Self.values(count, missing: Column.missingDate, seed: 1)
        for (low, high, empty) in [(Int32(-100), Int32(250), false), (Int32.min + 1, Int32.max, false), (5, 4, true)] {
            days.withUnsafeBufferPointer { p in
                let state = RangeState(values: p, low: low, high: high, missing: Column.missingDate, empty: empty)
                let fast = TruthBitmap.build(count: count, state)
                let plain = TruthBitmap.build(count: count) { state.state($0) }
                #expect(Self.same(fast, plain), "\(count) rows in \(low)...\(high)")
            }
        }
    }

    @Test(arguments: sizes)
    func int64RangesMatchThePerRowBuild(count: Int) {
        let numbers: [Int64] = Self.values(count, missing: Column.missingInt, seed: 2)
        for (low, high) in [(Int64(1), Int64.max), (Int64.min + 1, Int64(0)), (-3, 3)] {
            numbers.withUnsafeBufferPointer { p in
                let state = RangeState(values: p, low: low, high: high, missing: Column.missingInt)
                let fast = TruthBitmap.build(count: count, state)
                let plain = TruthBitmap.build(count: count) { state.state($0) }
                #expect(Self.same(fast, plain), "\(count) rows in \(low)...\(high)")
            }
        }
    }

    @Test(arguments: sizes)
    func lookupsMatchThePerRowBuild(count: Int) {
        let codes: [UInt32] = Self.values(count, missing: 0, seed: 3).map { $0 % 7 }
        let table: [UInt8] = [2, 1, 0, 1, 1, 0] // code 6 is past the table: unknown
        codes.withUnsafeBufferPointer { c in
            table.withUnsafeBufferPointer { t in
                let state = TableState(codes: c, table: t)
                let fast = TruthBitmap.build(count: count, state)
                let plain = TruthBitmap.build(count: count) { state.state($0) }
                #expect(Self.same(fast, plain))
            }
        }
    }

    @Test func rangesCoverEveryWordOnce() {
        for total in [0, 1, 7, 8_193, 100_000] {
            for n in 1...5 {
                let ranges = (0..<n).map { RowRanges.range($0, of: n, total) }
                #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == total)
                #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
            }
        }
    }

    /// A column larger than two load pieces comes back whole.
    @Test func largeColumnsLoadInPieces() throws {
        let rows = PopulationSnapshot.minimumPiece / 8 * 2 + 1_234
        var population = Population(schema: PopulationSchema(idField: "id", fields: ["id": .int]), fieldNames: ["id"])
        for i in 0..<rows { population.append(ordered: [.int(Int64(i) * 3)]) }
        var bytes: [UInt8] = []
        try PopulationSnapshot.write(population) { b in bytes.append(contentsOf: b) }
        let header = try bytes.withUnsafeBytes { b in try PopulationSnapshot.header(b, file: nil) }
        let back = try bytes.withUnsafeBytes { b in
            try PopulationSnapshot.read(header, file: nil) { offset, destination in
                destination.copyMemory(from: UnsafeRawBufferPointer(rebasing: b[offset..<(offset + destination.count)]))
            }
        }
        guard case .int(let values)? = back.column("id") else {
            Issue.record("no int column")
            return
        }
        #expect(values.count == rows)
        #expect(values.enumerated().allSatisfy { $0.element == Int64($0.offset) * 3 })
    }
}
