/// Three-valued truth for every row, as two bitmaps: `trueBits` and
/// `unknownBits` (a row in neither is false). `unknownBits == nil` means no
/// row is unknown, which lets most rules skip half the word operations.
///
/// AND/OR follow Kleene logic, NOT keeps unknown unknown; only true rows
/// become audience members.
struct TruthBitmap: Sendable {
    var count: Int
    var trueBits: [UInt64]
    var unknownBits: [UInt64]?

    static func constant(_ value: Bool, count: Int) -> TruthBitmap {
        var words = [UInt64](repeating: value ? ~0 : 0, count: (count + 63) >> 6)
        RowSet.clearTail(&words, capacity: count)
        return TruthBitmap(count: count, trueBits: words, unknownBits: nil)
    }

    /// Every row true where `set` has it, false elsewhere.
    init(_ set: RowSet, count: Int) {
        self.count = count
        var words = set.words
        let wordCount = (count + 63) >> 6
        if words.count > wordCount { words.removeLast(words.count - wordCount) }
        if words.count < wordCount { words.append(contentsOf: repeatElement(0, count: wordCount - words.count)) }
        RowSet.clearTail(&words, capacity: count)
        self.trueBits = words
        self.unknownBits = nil
    }

    init(count: Int, trueBits: [UInt64], unknownBits: [UInt64]?) {
        self.count = count
        self.trueBits = trueBits
        self.unknownBits = unknownBits
    }

    var members: RowSet { RowSet(words: trueBits, capacity: count) }

    /// Builds a bitmap from a per-row state: 0 false, 1 true, 2 unknown.
    /// `state` must be cheap and non-allocating: it runs once per row.
    @inline(__always)
    static func build(count: Int, _ state: (Int) -> UInt8) -> TruthBitmap {
        let wordCount = (count + 63) >> 6
        var t = [UInt64](repeating: 0, count: wordCount)
        var u = [UInt64](repeating: 0, count: wordCount)
        var anyUnknown: UInt64 = 0
        t.withUnsafeMutableBufferPointer { tp in
            u.withUnsafeMutableBufferPointer { up in
                var row = 0
                for w in 0..<wordCount {
                    let end = Swift.min(row + 64, count)
                    var tw: UInt64 = 0, uw: UInt64 = 0
                    var bit: UInt64 = 0
                    while row < end {
                        let s = UInt64(state(row))
                        tw |= (s & 1) << bit
                        uw |= (s >> 1) << bit
                        bit &+= 1
                        row &+= 1
                    }
                    tp[w] = tw
                    up[w] = uw
                    anyUnknown |= uw
                }
            }
        }
        return TruthBitmap(count: count, trueBits: t, unknownBits: anyUnknown == 0 ? nil : u)
    }

    /// As `build(count:_:)` for the hot leaves, on all cores for a large
    /// population: `state` is a type, so each leaf's loop is compiled with
    /// its test inlined, and ranges of whole words run at once
    /// (`RowRanges`).
    static func build<State: RowState>(count: Int, _ state: State) -> TruthBitmap {
        let wordCount = (count + 63) >> 6
        var t = [UInt64](repeating: 0, count: wordCount)
        var u = [UInt64](repeating: 0, count: wordCount)
        var anyUnknown: UInt64 = 0
        t.withUnsafeMutableBufferPointer { tp in
            u.withUnsafeMutableBufferPointer { up in
                let shared = Unchecked((tp, up))
                anyUnknown = RowRanges.reduceWords(wordCount) { words in
                    let (tp, up) = shared.value
                    return fill(words, count: count, tp, up, state)
                }
            }
        }
        return TruthBitmap(count: count, trueBits: t, unknownBits: anyUnknown == 0 ? nil : u)
    }

    /// Fills the words `words` of `t` and `u`; returns the OR of the `u`
    /// words written. Whole words run a fixed 64-row loop, the last word
    /// stops at `count`.
    @inline(__always)
    private static func fill<State: RowState>(_ words: Range<Int>, count: Int, _ tp: UnsafeMutableBufferPointer<UInt64>,
                                              _ up: UnsafeMutableBufferPointer<UInt64>, _ state: State) -> UInt64 {
        var anyUnknown: UInt64 = 0
        for w in words {
            let base = w << 6
            let n = Swift.min(64, count - base)
            var tw: UInt64 = 0, uw: UInt64 = 0
            if n == 64 {
                (tw, uw) = state.word(base)
            } else {
                for bit in 0..<n {
                    let s = UInt64(state.state(base &+ bit))
                    tw |= (s & 1) << UInt64(bit)
                    uw |= (s >> 1) << UInt64(bit)
                }
            }
            tp[w] = tw
            up[w] = uw
            anyUnknown |= uw
        }
        return anyUnknown
    }

    /// Per-row state from a lookup table indexed by a code array (dictionary
    /// codes of a text column, or bool/gender bytes).
    static func lookup<Code: FixedWidthInteger>(_ codes: [Code], table: [UInt8], count: Int) -> TruthBitmap {
        codes.withUnsafeBufferPointer { cp in
            table.withUnsafeBufferPointer { tp in
                build(count: Swift.min(count, cp.count), TableState(codes: cp, table: tp))
            }
        }.padded(to: count)
    }

    /// Rows past the end of a short column read as unknown (missing).
    func padded(to count: Int) -> TruthBitmap {
        guard self.count < count else { return self }
        let wordCount = (count + 63) >> 6
        var t = trueBits
        t.append(contentsOf: repeatElement(0, count: wordCount - t.count))
        var u = unknownBits ?? [UInt64](repeating: 0, count: trueBits.count)
        u.append(contentsOf: repeatElement(~0, count: wordCount - u.count))
        // Bits from self.count up to the old word boundary are also unknown.
        if self.count & 63 != 0 {
            u[self.count >> 6] |= ~((1 << UInt64(self.count & 63)) - 1)
        }
        RowSet.clearTail(&u, capacity: count)
        return TruthBitmap(count: count, trueBits: t, unknownBits: u)
    }

    func negated() -> TruthBitmap {
        let a = self
        var t = a.trueBits
        if let u = a.unknownBits {
            for i in t.indices { t[i] = ~(t[i] | u[i]) }
        } else {
            for i in t.indices { t[i] = ~t[i] }
        }
        RowSet.clearTail(&t, capacity: a.count)
        return TruthBitmap(count: a.count, trueBits: t, unknownBits: a.unknownBits)
    }

    func and(_ b: TruthBitmap) -> TruthBitmap {
        let a = self
        var t = a.trueBits
        for i in t.indices { t[i] &= b.trueBits[i] }
        let u: [UInt64]?
        switch (a.unknownBits, b.unknownBits) {
        case (nil, nil):
            u = nil
        case (let ua?, nil):
            // unknown when a is unknown and b is true
            u = TruthBitmap.nonEmpty(ua.indices.map { ua[$0] & b.trueBits[$0] })
        case (nil, let ub?):
            u = TruthBitmap.nonEmpty(ub.indices.map { ub[$0] & a.trueBits[$0] })
        case (let ua?, let ub?):
            // unknown when neither side is false and not both true
            u = TruthBitmap.nonEmpty(ua.indices.map { i in
                (ua[i] | ub[i]) & (a.trueBits[i] | ua[i]) & (b.trueBits[i] | ub[i])
            })
        }
        return TruthBitmap(count: a.count, trueBits: t, unknownBits: u)
    }

    func or(_ b: TruthBitmap) -> TruthBitmap {
        let a = self
        var t = a.trueBits
        for i in t.indices { t[i] |= b.trueBits[i] }
        let u: [UInt64]?
        switch (a.unknownBits, b.unknownBits) {
        case (nil, nil): u = nil
        case (let ua?, nil): u = TruthBitmap.nonEmpty(ua.indices.map { ua[$0] & ~t[$0] })
        case (nil, let ub?): u = TruthBitmap.nonEmpty(ub.indices.map { ub[$0] & ~t[$0] })
        case (let ua?, let ub?): u = TruthBitmap.nonEmpty(ua.indices.map { (ua[$0] | ub[$0]) & ~t[$0] })
        }
        return TruthBitmap(count: a.count, trueBits: t, unknownBits: u)
    }

    private static func nonEmpty(_ words: [UInt64]) -> [UInt64]? {
        for w in words where w != 0 { return words }
        return nil
    }

    /// Rows past the end of a short column are missing: true for `IS EMPTY`.
    func paddedMissing(to count: Int) -> TruthBitmap {
        guard self.count < count else { return self }
        let wordCount = (count + 63) >> 6
        var t = trueBits
        t.append(contentsOf: repeatElement(0, count: wordCount - t.count))
        if self.count & 63 != 0 { t[self.count >> 6] |= ~((1 << UInt64(self.count & 63)) - 1) }
        for i in ((self.count + 63) >> 6)..<wordCount { t[i] = ~0 }
        RowSet.clearTail(&t, capacity: count)
        return TruthBitmap(count: count, trueBits: t, unknownBits: unknownBits.map { $0 + repeatElement(0, count: wordCount - $0.count) })
    }
}

/// What `TruthBitmap.build` asks of each row: 0 false, 1 true, 2 unknown.
/// Reads only, from any thread.
protocol RowState {
    func state(_ row: Int) -> UInt8
    /// The true and unknown bits of the 64 rows from `base`.
    func word(_ base: Int) -> (UInt64, UInt64)
}

extension RowState {
    @inline(__always)
    func word(_ base: Int) -> (UInt64, UInt64) {
        var tw: UInt64 = 0, uw: UInt64 = 0
        for bit in 0..<64 {
            let s = UInt64(state(base &+ bit))
            tw |= (s & 1) << UInt64(bit)
            uw |= (s >> 1) << UInt64(bit)
        }
        return (tw, uw)
    }
}

/// A code (text dictionary code, yes/no or gender byte) looked up in a
/// table of states; a code past the table is unknown.
struct TableState<Code: FixedWidthInteger>: RowState {
    let codes: UnsafeBufferPointer<Code>
    let table: UnsafeBufferPointer<UInt8>

    @inline(__always)
    func state(_ row: Int) -> UInt8 {
        let code = Int(codes[row])
        return code < table.count ? table[code] : 2
    }
}

/// An int or day column in `low...high`; `missing` is unknown. `empty`:
/// nothing is in range.
struct RangeState<Value: FixedWidthInteger>: RowState {
    let values: UnsafeBufferPointer<Value>
    let low: Value, high: Value, missing: Value
    var empty = false

    @inline(__always)
    func state(_ row: Int) -> UInt8 {
        let x = values[row]
        return x == missing ? 2 : (!empty && x >= low && x <= high ? 1 : 0)
    }

    /// Sixteen (`Int32`) or eight (`Int64`) rows at a time: vector
    /// compares, each lane's result weighted by its bit and summed.
    @inline(__always)
    func word(_ base: Int) -> (UInt64, UInt64) {
        let raw = UnsafeRawPointer(values.baseAddress! + base)
        if Value.self == Int32.self {
            return Self.word16(raw, Int32(truncatingIfNeeded: low), Int32(truncatingIfNeeded: high),
                               Int32(truncatingIfNeeded: missing), empty)
        }
        if Value.self == Int64.self {
            return Self.word8(raw, Int64(truncatingIfNeeded: low), Int64(truncatingIfNeeded: high),
                              Int64(truncatingIfNeeded: missing), empty)
        }
        var tw: UInt64 = 0, uw: UInt64 = 0
        for bit in 0..<64 {
            let s = UInt64(state(base &+ bit))
            tw |= (s & 1) << UInt64(bit)
            uw |= (s >> 1) << UInt64(bit)
        }
        return (tw, uw)
    }

    @inline(__always)
    private static func word16(_ raw: UnsafeRawPointer, _ low: Int32, _ high: Int32, _ missing: Int32,
                               _ empty: Bool) -> (UInt64, UInt64) {
        let weights = SIMD16<Int32>(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768)
        let zero = SIMD16<Int32>(repeating: 0)
        let lowV = SIMD16<Int32>(repeating: low), highV = SIMD16<Int32>(repeating: high)
        let missingV = SIMD16<Int32>(repeating: missing)
        var tw: UInt64 = 0, uw: UInt64 = 0
        for chunk in 0..<4 {
            let v = raw.loadUnaligned(fromByteOffset: chunk * 64, as: SIMD16<Int32>.self)
            let isMissing = v .== missingV
            let inRange = (v .>= lowV) .& (v .<= highV) .& .!isMissing
            let t = UInt64(UInt32(bitPattern: zero.replacing(with: weights, where: inRange).wrappedSum()))
            let u = UInt64(UInt32(bitPattern: zero.replacing(with: weights, where: isMissing).wrappedSum()))
            tw |= t << UInt64(chunk * 16)
            uw |= u << UInt64(chunk * 16)
        }
        return (empty ? 0 : tw, uw)
    }

    @inline(__always)
    private static func word8(_ raw: UnsafeRawPointer, _ low: Int64, _ high: Int64, _ missing: Int64,
                              _ empty: Bool) -> (UInt64, UInt64) {
        let weights = SIMD8<Int64>(1, 2, 4, 8, 16, 32, 64, 128)
        let zero = SIMD8<Int64>(repeating: 0)
        let lowV = SIMD8<Int64>(repeating: low), highV = SIMD8<Int64>(repeating: high)
        let missingV = SIMD8<Int64>(repeating: missing)
        var tw: UInt64 = 0, uw: UInt64 = 0
        for chunk in 0..<8 {
            let v = raw.loadUnaligned(fromByteOffset: chunk * 64, as: SIMD8<Int64>.self)
            let isMissing = v .== missingV
            let inRange = (v .>= lowV) .& (v .<= highV) .& .!isMissing
            let t = UInt64(bitPattern: zero.replacing(with: weights, where: inRange).wrappedSum())
            let u = UInt64(bitPattern: zero.replacing(with: weights, where: isMissing).wrappedSum())
            tw |= t << UInt64(chunk * 8)
            uw |= u << UInt64(chunk * 8)
        }
        return (empty ? 0 : tw, uw)
    }
}

/// A decimal column in `low...high`; NaN (missing) is unknown.
struct DecimalRangeState: RowState {
    let values: UnsafeBufferPointer<Double>
    let low: Double, high: Double

    @inline(__always)
    func state(_ row: Int) -> UInt8 {
        let x = values[row]
        return x.isNaN ? 2 : (x >= low && x <= high ? 1 : 0)
    }
}
