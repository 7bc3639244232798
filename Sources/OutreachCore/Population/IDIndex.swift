/// The ids an import has taken so far, to refuse a repeated one.
///
/// Each id's UTF-8 is kept once in one byte arena; an open-addressing table
/// holds, per id, its index and 32 bits of its hash, so a lookup touches
/// the arena only when the hashes agree. Ids are compared byte for byte
/// (they are the canonical text of the id's value). The index does not need
/// the id column, so an import that does not keep it (`fields:`) still finds
/// every duplicate.
struct IDIndex {
    private var bytes: [UInt8] = []
    /// End offset in `bytes` of each id.
    private var ends: [Int] = []
    /// `hash >> 32 << 32 | (index + 1)`; 0 is an empty slot.
    private var slots: [UInt64] = []

    var count: Int { ends.count }

    /// Room for `ids` ids (the arena grows as it must).
    mutating func reserveCapacity(_ ids: Int) {
        ends.reserveCapacity(ids)
    }

    /// Adds `id`; false when it was added before.
    mutating func insert(_ id: UnsafeBufferPointer<UInt8>) -> Bool {
        if (ends.count + 1) * 10 > slots.count * 7 { grow() }
        let hash = Self.hash(id)
        let tag = hash & 0xFFFF_FFFF_0000_0000
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: hash) & mask
        while true {
            let slot = slots[i]
            if slot == 0 { break }
            if slot & 0xFFFF_FFFF_0000_0000 == tag, equals(Int(slot & 0xFFFF_FFFF) - 1, id) { return false }
            i = (i + 1) & mask
        }
        bytes.append(contentsOf: id)
        ends.append(bytes.count)
        slots[i] = tag | UInt64(ends.count)
        return true
    }

    private func equals(_ index: Int, _ id: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = index == 0 ? 0 : ends[index - 1]
        let end = ends[index]
        guard end - start == id.count else { return false }
        return bytes.withUnsafeBufferPointer { stored in
            var k = 0
            while k < id.count {
                if stored[start + k] != id[k] { return false }
                k += 1
            }
            return true
        }
    }

    /// Doubles the table and re-places every id.
    private mutating func grow() {
        let size = Swift.max(1024, slots.count * 2)
        var table = [UInt64](repeating: 0, count: size)
        let mask = size - 1
        table.withUnsafeMutableBufferPointer { t in
            bytes.withUnsafeBufferPointer { b in
                var start = 0
                for index in ends.indices {
                    let end = ends[index]
                    let hash = Self.hash(UnsafeBufferPointer(rebasing: b[start..<end]))
                    var i = Int(truncatingIfNeeded: hash) & mask
                    while t[i] != 0 { i = (i + 1) & mask }
                    t[i] = hash & 0xFFFF_FFFF_0000_0000 | UInt64(index + 1)
                    start = end
                }
            }
        }
        slots = table
    }

    /// Both halves are used: the low bits place the id, the high bits are
    /// kept as its tag.
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        ByteHash.hash(bytes, fullMix: true)
    }
}
