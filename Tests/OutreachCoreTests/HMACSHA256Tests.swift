import OutreachCore
import Testing

@Suite("HMAC-SHA256 and the message-id schemes")
struct HMACSHA256Tests {
    static func bytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            out.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return out
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }

    /// RFC 4231 §4.2–4.8: key, data, HMAC-SHA-256 (test case 5 is truncated to 128 bits).
    static let vectors: [(key: [UInt8], data: [UInt8], mac: String)] = [
        (bytes(String(repeating: "0b", count: 20)), Array("Hi There".utf8),
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        (Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        (bytes(String(repeating: "aa", count: 20)), bytes(String(repeating: "dd", count: 50)),
         "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        (bytes("0102030405060708090a0b0c0d0e0f10111213141516171819"), bytes(String(repeating: "cd", count: 50)),
         "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        (bytes(String(repeating: "0c", count: 20)), Array("Test With Truncation".utf8),
         "a3b6167473100ee06e0c796c2955552b"),
        (bytes(String(repeating: "aa", count: 131)), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        (bytes(String(repeating: "aa", count: 131)),
         Array("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.".utf8),
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
    ]

    @Test("RFC 4231 test vectors, whole and fed in pieces", arguments: 0..<7)
    func rfc4231(case index: Int) {
        let vector = Self.vectors[index]
        let mac = HMACSHA256(key: vector.key)
        #expect(Self.hex(mac.code(vector.data)).hasPrefix(vector.mac))
        var pieces = mac.start()
        pieces.update(vector.data.prefix(3))
        pieces.update(vector.data.dropFirst(3))
        #expect(Self.hex(pieces.finalize()).hasPrefix(vector.mac))
        // The precomputed key state is not used up by a code.
        #expect(Self.hex(mac.code(vector.data)).hasPrefix(vector.mac))
    }

    @Test("SHA-256 known answers (FIPS 180-4 examples), whole, byte by byte and across blocks")
    func sha256() {
        let cases = [
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ]
        for (text, digest) in cases {
            #expect(Self.hex(SHA256.hash(Array(text.utf8))) == digest)
            var bytewise = SHA256()
            bytewise.update(text.utf8.lazy.map { $0 })   // not contiguous: the byte-by-byte path
            #expect(Self.hex(bytewise.finalize()) == digest)
        }
        var million = SHA256()
        for _ in 0..<1_000 { million.update(String(repeating: "a", count: 1_000).utf8) }
        #expect(Self.hex(million.finalize()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// The first 64 bits of a digest, as the ids take them.
    static func first64(_ digest: [UInt8]) -> String { hex(Array(digest.prefix(8))) }

    @Test("an HMAC key's ids are HMAC-SHA256 of `p`,NUL,recipient and of campaign,NUL,occurrence,NUL,recipient")
    func hmacIDs() {
        let key = MessageIDKey.random()
        #expect(key.scheme == .hmacSHA256 && key.bytes.count == 32)
        let mac = HMACSHA256(key: key.bytes)
        let person = Self.first64(mac.code(Array("p\u{0}1012345678".utf8)))
        let own = Self.first64(mac.code(Array("c\u{0}o\u{0}1012345678".utf8)))
        #expect(LedgerEntry.messageID(campaign: "c", occurrence: "o", recipient: "1012345678", key: key) == "m" + person + own)
        #expect(LedgerEntry.messageIDPrefix(recipient: "1012345678", key: key) == "m" + person)
        // The same key bytes under the older scheme give other ids.
        let prefixed = MessageIDKey(scheme: .sha256KeyPrefix, bytes: key.bytes)
        #expect(LedgerEntry.messageID(campaign: "c", occurrence: "o", recipient: "1012345678", key: prefixed)
                != LedgerEntry.messageID(campaign: "c", occurrence: "o", recipient: "1012345678", key: key))
        #expect(prefixed != key && prefixed.fingerprint != key.fingerprint)
    }

    @Test("the key-prefix scheme (ledgers before HMAC, and before keys) keeps SHA-256 over key then data")
    func legacyIDs() {
        for key in [MessageIDKey.none, MessageIDKey(scheme: .sha256KeyPrefix, bytes: Array(0..<32))] {
            let person = Self.first64(SHA256.hash(key.bytes + Array("p\u{0}r1".utf8)))
            let own = Self.first64(SHA256.hash(key.bytes + Array("c\u{0}o\u{0}r1".utf8)))
            #expect(LedgerEntry.messageID(campaign: "c", occurrence: "o", recipient: "r1", key: key) == "m" + person + own)
        }
    }

    @Test("an entry carries which key made its id; that is not part of its value")
    func origin() {
        let key = MessageIDKey.random()
        let made = LedgerEntry(campaign: "c", occurrence: "o", recipientID: "r", address: "+966500000001", channel: .sms,
                               dueAt: .init(timeIntervalSince1970: 0), key: key)
        #expect(made.idOrigin.keyFingerprint == key.fingerprint)
        var given = made
        given.idOrigin = .unknown
        #expect(given == made && given.hashValue == made.hashValue)
    }
}
