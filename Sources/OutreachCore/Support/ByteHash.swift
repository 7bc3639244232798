/// The hash the import's byte-keyed tables use (text dictionaries, the id
/// index): FNV-1a over the bytes, eight at a time where it can, then mixed
/// with MurmurHash3's 64-bit finaliser — one round, or both (`fullMix`) when
/// the high bits matter too (the id index keeps them as a tag).
enum ByteHash {
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>, fullMix: Bool = false) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(bytes.count)
        var i = 0
        let n = bytes.count
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            while i + 8 <= n {
                h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x0000_0100_0000_01b3
                h ^= h >> 29
                i += 8
            }
        }
        while i < n {
            h = (h ^ UInt64(bytes[i])) &* 0x0000_0100_0000_01b3
            i += 1
        }
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        if fullMix {
            h = h &* 0xc4ce_b9fe_1a85_ec53
            h ^= h >> 33
        }
        return h
    }
}
