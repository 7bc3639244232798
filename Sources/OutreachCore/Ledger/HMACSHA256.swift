/// HMAC-SHA256 (RFC 2104, FIPS 198-1) over the core's own `SHA256`: a keyed
/// MAC, so a digest says nothing about its input to anyone without the key.
///
/// The key's inner and outer padded blocks are hashed once, when the value
/// is made; each code then costs the compressions of its message plus one
/// for the outer hash. A message id (campaign, occurrence and recipient,
/// 24–55 bytes) costs two, as SHA-256 over a 32-byte key and the data did;
/// a person key (a short id) two instead of one — once per person and
/// population load (the scheduler keeps them).
public struct HMACSHA256: Sendable {
    /// SHA-256 after absorbing `key ⊕ ipad` and `key ⊕ opad` (one block each).
    private let innerStart: SHA256
    private let outerStart: SHA256

    public init(key: some Collection<UInt8>) {
        // A key longer than the block is hashed first (RFC 2104 §2); a shorter one is padded with zeros.
        var block = key.count > 64 ? SHA256.hash(key) : Array(key)
        block += [UInt8](repeating: 0, count: 64 - block.count)
        var inner = SHA256(), outer = SHA256()
        inner.update(block.lazy.map { $0 ^ 0x36 })
        outer.update(block.lazy.map { $0 ^ 0x5c })
        innerStart = inner
        outerStart = outer
    }

    /// The code of `message` (32 bytes).
    public func code(_ message: some Sequence<UInt8>) -> [UInt8] {
        var mac = start()
        mac.update(message)
        return mac.finalize()
    }

    /// A code computed over several pieces, as if they were one message.
    public func start() -> Computation { Computation(inner: innerStart, outer: outerStart) }

    /// One code in progress.
    public struct Computation: Sendable {
        fileprivate var inner: SHA256
        fileprivate let outer: SHA256

        public mutating func update(_ bytes: some Sequence<UInt8>) { inner.update(bytes) }

        public consuming func finalize() -> [UInt8] {
            var outer = outer
            outer.update(inner.finalize())
            return outer.finalize()
        }
    }
}
