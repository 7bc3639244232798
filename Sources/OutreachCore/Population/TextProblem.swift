/// Why the bytes of a value are not valid text, and where: a control
/// character or bytes that are not UTF-8.
///
/// A NUL cuts a value short on its way to a gateway (C strings end there),
/// other controls can drive a terminal or a gateway's parser, and invalid
/// UTF-8 turns into `�` when sent. Such a value is refused on import, counted
/// and located, instead of being stored. Tab, LF and CR are text (a quoted
/// CSV field may hold line breaks); the other C0 controls, DEL and the C1
/// controls (U+0080–U+009F) are not.
public struct TextProblem: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Which rule the value breaks; raw values are stable.
    public enum Kind: String, Sendable, Codable {
        case controlCharacter = "control_character"
        case invalidUTF8 = "invalid_utf8"
    }

    public var kind: Kind
    /// The control character's scalar value, or the first byte that is not UTF-8.
    public var value: UInt32
    /// 0-based byte offset in the value.
    public var byteOffset: Int

    public init(kind: Kind, value: UInt32, byteOffset: Int) {
        self.kind = kind
        self.value = value
        self.byteOffset = byteOffset
    }

    public var description: String {
        switch kind {
        case .controlCharacter:
            let name = value == 0 ? " (NUL)" : value == 0x1B ? " (ESC)" : ""
            return "control character U+\(Self.hex(value, width: 4))\(name) at byte \(byteOffset + 1)"
        case .invalidUTF8:
            return "byte 0x\(Self.hex(value, width: 2)) at byte \(byteOffset + 1) is not UTF-8"
        }
    }

    static func hex(_ v: UInt32, width: Int) -> String {
        let digits = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// The first problem in `b`, or nil when it is valid text.
    ///
    /// Printable ASCII is skipped eight bytes at a time (the common case:
    /// ids, Latin names, numbers); multi-byte sequences are checked strictly
    /// (no overlong forms, no surrogates, nothing past U+10FFFF).
    public static func first(in b: UnsafeBufferPointer<UInt8>) -> TextProblem? {
        let n = b.count
        guard let base = b.baseAddress, n > 0 else { return nil }
        let raw = UnsafeRawPointer(base)
        var i = 0
        while i < n {
            if i + 8 <= n {
                let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                if isPrintableASCII(w) { i += 8; continue }
            }
            let c = b[i]
            if c < 0x80 {
                if (c < 0x20 && c != 0x09 && c != 0x0A && c != 0x0D) || c == 0x7F {
                    return TextProblem(kind: .controlCharacter, value: UInt32(c), byteOffset: i)
                }
                i += 1
                continue
            }
            // Expected continuation count and the allowed range of the second byte.
            let need: Int
            var low: UInt8 = 0x80, high: UInt8 = 0xBF
            switch c {
            case 0xC2...0xDF: need = 1
            case 0xE0: need = 2; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: need = 2
            case 0xED: need = 2; high = 0x9F
            case 0xF0: need = 3; low = 0x90
            case 0xF1...0xF3: need = 3
            case 0xF4: need = 3; high = 0x8F
            default: return TextProblem(kind: .invalidUTF8, value: UInt32(c), byteOffset: i)
            }
            guard i + need < n, b[i + 1] >= low, b[i + 1] <= high else {
                return TextProblem(kind: .invalidUTF8, value: UInt32(c), byteOffset: i)
            }
            var k = 2
            while k <= need {
                guard b[i + k] & 0xC0 == 0x80 else { return TextProblem(kind: .invalidUTF8, value: UInt32(c), byteOffset: i) }
                k += 1
            }
            if c == 0xC2, b[i + 1] <= 0x9F {        // U+0080…U+009F
                return TextProblem(kind: .controlCharacter, value: UInt32(b[i + 1]), byteOffset: i)
            }
            i += need + 1
        }
        return nil
    }

    /// Eight bytes all in 0x20…0x7E.
    @inline(__always)
    static func isPrintableASCII(_ w: UInt64) -> Bool {
        let high: UInt64 = 0x8080_8080_8080_8080
        let ones: UInt64 = 0x0101_0101_0101_0101
        if w & high != 0 { return false }
        // A byte below 0x20 borrows into its high bit; so does 0x7F + 1.
        if (w &- ones &* 0x20) & ~w & high != 0 { return false }
        if (w &+ ones) & high != 0 { return false }
        return true
    }

    /// The value for a report: valid UTF-8 kept (control characters too;
    /// printing escapes them), each byte that is not UTF-8 written `\x{FF}`
    /// so it shows what the file holds rather than `�`.
    public static func display(_ b: UnsafeBufferPointer<UInt8>) -> String {
        var out = ""
        var i = 0
        let n = b.count
        while i < n {
            var j = i
            while j < n {
                guard let problem = first(in: UnsafeBufferPointer(rebasing: b[j..<n])) else { j = n; break }
                if problem.kind == .invalidUTF8 { j += problem.byteOffset; break }
                // A control character is valid UTF-8: skip past it and go on.
                j += problem.byteOffset + (problem.value >= 0x80 ? 2 : 1)
            }
            out += String(decoding: UnsafeBufferPointer(rebasing: b[i..<j]), as: UTF8.self)
            if j < n {
                out += "\\x{\(hex(UInt32(b[j]), width: 2))}"
                j += 1
            }
            i = j
        }
        return out
    }
}
