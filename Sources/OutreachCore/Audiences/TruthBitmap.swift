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

    /// Per-row state from a lookup table indexed by a code array (dictionary
    /// codes of a text column, or bool/gender bytes).
    static func lookup<Code: FixedWidthInteger>(_ codes: [Code], table: [UInt8], count: Int) -> TruthBitmap {
        codes.withUnsafeBufferPointer { cp in
            table.withUnsafeBufferPointer { tp in
                build(count: Swift.min(count, cp.count)) { row in
                    let code = Int(cp[row])
                    return code < tp.count ? tp[code] : 2
                }
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
