/// The members of an audience: a bitmap over the rows of one `Population`.
///
/// One bit per row in 64-bit words, so set operations between audiences
/// (`subtracting` opt-outs, `union` of segments) are word operations, and
/// `count` is a popcount. Bits at or past `capacity` are always zero.
public struct RowSet: Sendable, Equatable {
    /// Number of member rows.
    public private(set) var count: Int
    /// Number of rows of the population the set is over.
    public let capacity: Int
    /// `capacity` bits, row `r` at bit `r % 64` of word `r / 64`.
    public private(set) var words: [UInt64]

    /// An empty set over `capacity` rows.
    public init(capacity: Int) {
        self.capacity = max(0, capacity)
        self.words = [UInt64](repeating: 0, count: (self.capacity + 63) >> 6)
        self.count = 0
    }

    /// A set of the given rows; rows outside `0..<capacity` are ignored.
    public init(rows: some Sequence<Int>, capacity: Int) {
        self.init(capacity: capacity)
        for row in rows where row >= 0 && row < self.capacity {
            words[row >> 6] |= 1 << UInt64(row & 63)
        }
        count = RowSet.popcount(words)
    }

    /// Wraps words; bits past `capacity` are cleared.
    public init(words: [UInt64], capacity: Int) {
        self.capacity = max(0, capacity)
        var words = words
        let wordCount = (self.capacity + 63) >> 6
        if words.count > wordCount { words.removeLast(words.count - wordCount) }
        if words.count < wordCount { words.append(contentsOf: repeatElement(0, count: wordCount - words.count)) }
        RowSet.clearTail(&words, capacity: self.capacity)
        self.words = words
        self.count = RowSet.popcount(words)
    }

    public var isEmpty: Bool { count == 0 }

    public func contains(_ row: Int) -> Bool {
        guard row >= 0 && row < capacity else { return false }
        return words[row >> 6] & (1 << UInt64(row & 63)) != 0
    }

    /// Member rows in ascending order (materialised; use `forEachRow` to
    /// walk millions without allocating).
    public var rows: [Int] {
        var out: [Int] = []
        out.reserveCapacity(count)
        forEachRow { out.append($0) }
        return out
    }

    /// Calls `body` with each member row, ascending.
    public func forEachRow(_ body: (Int) throws -> Void) rethrows {
        for (index, word) in words.enumerated() {
            var w = word
            while w != 0 {
                let bit = w.trailingZeroBitCount
                try body(index << 6 | bit)
                w &= w &- 1
            }
        }
    }

    public func union(_ other: RowSet) -> RowSet { combine(other) { $0 | $1 } }
    public func intersection(_ other: RowSet) -> RowSet { combine(other) { $0 & $1 } }
    public func subtracting(_ other: RowSet) -> RowSet { combine(other) { $0 & ~$1 } }

    /// Rows of `0..<capacity` that are not members.
    public func complement() -> RowSet {
        RowSet(words: words.map { ~$0 }, capacity: capacity)
    }

    /// Word-wise combination; the result has the larger capacity, and a
    /// shorter operand reads as zeros past its end.
    private func combine(_ other: RowSet, _ op: (UInt64, UInt64) -> UInt64) -> RowSet {
        let capacity = Swift.max(self.capacity, other.capacity)
        let wordCount = (capacity + 63) >> 6
        var out = [UInt64](repeating: 0, count: wordCount)
        for i in 0..<wordCount {
            let a = i < words.count ? words[i] : 0
            let b = i < other.words.count ? other.words[i] : 0
            out[i] = op(a, b)
        }
        return RowSet(words: out, capacity: capacity)
    }

    static func popcount(_ words: [UInt64]) -> Int {
        var total = 0
        for w in words { total &+= w.nonzeroBitCount }
        return total
    }

    static func clearTail(_ words: inout [UInt64], capacity: Int) {
        let rest = capacity & 63
        if rest != 0, !words.isEmpty {
            words[words.count - 1] &= (1 << UInt64(rest)) - 1
        }
    }
}
