/// FIPS 180-4 SHA-256, small and pure: the core has no CryptoKit on Linux
/// and must not link a C library. Used for deterministic message ids (keyed
/// through `HMACSHA256`).
///
/// The state lives inline (no heap): a copy — HMAC starts every code from
/// the key's precomputed state — costs 100 bytes, not an allocation.
public struct SHA256: Sendable {
    private var h: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) =
        (0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19)
    /// The pending partial block.
    private var block = InlineArray<64, UInt8>(repeating: 0)
    private var used = 0
    private var length: UInt64 = 0

    public init() {}

    public static func hash(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    public mutating func update(_ bytes: some Sequence<UInt8>) {
        // Strings' UTF-8 and arrays are contiguous: copied a run at a time rather than byte by byte.
        if bytes.withContiguousStorageIfAvailable({ absorb($0) }) != nil { return }
        for byte in bytes {
            block[used] = byte
            used += 1
            length &+= 1
            if used == 64 {
                compress()
                used = 0
            }
        }
    }

    private mutating func absorb(_ bytes: UnsafeBufferPointer<UInt8>) {
        length &+= UInt64(bytes.count)
        var index = 0
        while index < bytes.count {
            let take = min(64 - used, bytes.count - index)
            var destination = block.mutableSpan
            destination.withUnsafeMutableBufferPointer { block in
                _ = UnsafeMutableBufferPointer(rebasing: block[used..<(used + take)])
                    .initialize(fromContentsOf: UnsafeBufferPointer(rebasing: bytes[index..<(index + take)]))
            }
            used += take
            index += take
            if used == 64 {
                compress()
                used = 0
            }
        }
    }

    public consuming func finalize() -> [UInt8] {
        let bits = length &* 8
        block[used] = 0x80
        used += 1
        if used > 56 {
            for i in used..<64 { block[i] = 0 }
            compress()
            used = 0
        }
        for i in used..<56 { block[i] = 0 }
        for i in 0..<8 { block[56 + i] = UInt8(truncatingIfNeeded: bits >> (UInt64(7 - i) * 8)) }
        compress()
        let words = (h.0, h.1, h.2, h.3, h.4, h.5, h.6, h.7)
        return [UInt8](unsafeUninitializedCapacity: 32) { out, count in
            withUnsafeBytes(of: words) { raw in
                for i in 0..<8 {
                    let word = raw.load(fromByteOffset: i * 4, as: UInt32.self)
                    out[i * 4] = UInt8(truncatingIfNeeded: word >> 24)
                    out[i * 4 + 1] = UInt8(truncatingIfNeeded: word >> 16)
                    out[i * 4 + 2] = UInt8(truncatingIfNeeded: word >> 8)
                    out[i * 4 + 3] = UInt8(truncatingIfNeeded: word)
                }
            }
            count = 32
        }
    }

    private static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    private mutating func compress() {
        var (a, b, c, d, e, f, g, hh) = h
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            let p = block.span
            for i in 0..<16 {
                w[i] = UInt32(p[i * 4]) << 24 | UInt32(p[i * 4 + 1]) << 16 | UInt32(p[i * 4 + 2]) << 8 | UInt32(p[i * 4 + 3])
            }
            for i in 16..<64 {
                let s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3)
                let s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10)
                w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
            }
            Self.k.withUnsafeBufferPointer { k in
                for i in 0..<64 {
                    let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
                    let ch = (e & f) ^ (~e & g)
                    let t1 = hh &+ s1 &+ ch &+ k[i] &+ w[i]
                    let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
                    let maj = (a & b) ^ (a & c) ^ (b & c)
                    let t2 = s0 &+ maj
                    hh = g; g = f; f = e; e = d &+ t1
                    d = c; c = b; b = a; a = t1 &+ t2
                }
            }
        }
        h = (h.0 &+ a, h.1 &+ b, h.2 &+ c, h.3 &+ d, h.4 &+ e, h.5 &+ f, h.6 &+ g, h.7 &+ hh)
    }
}

@inline(__always)
private func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
