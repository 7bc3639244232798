import Foundation

/// Replaces a gateway's secrets (passwords, tokens, keys) with `***` in
/// anything printed or stored: answers, transport errors, `gateway test`'s
/// exchange, ledger details.
///
/// An error page may echo a secret in any spelling, so each is matched:
/// - as written;
/// - percent-encoded, hex in either case, unreserved characters encoded or
///   not, `+` for a space (query strings and form bodies);
/// - HTML-escaped: `&amp;` `&lt;` `&gt;` `&quot;` `&apos;` and numeric
///   references (`&#39;`, `&#x27;`);
/// - JSON-escaped: `\"` `\\` `\/`, `\u00e9` (either case, surrogate pairs);
/// - any mix of these within one occurrence;
/// - base64 (standard or URL-safe alphabet) of the secret alone, and of the
///   secret inside a longer base64 text — HTTP Basic `user:password`, SMTP
///   `AUTH PLAIN` — at any of the three byte alignments (secrets of 6 bytes
///   or more; the one or two characters that mix in the neighbours' bits
///   stay).
///
/// Built once per gateway: the per-answer cost is one pass over the text
/// with a table lookup per byte, and work only where a byte can begin a
/// secret's spelling. Nothing is shortened here: mask first, then cut, so a
/// secret straddling the cut cannot survive in part.
public struct SecretMask: Sendable {
    /// Each secret and each of its base64 forms, as Unicode scalars (matched through every spelling above).
    private let patterns: [[Unicode.Scalar]]
    /// Per first byte of a text position, the patterns whose spelling can begin with it.
    private let candidates: [[Int]]
    /// Whether any pattern can begin with the byte: the one lookup most bytes get (a flat table, no
    /// reference counting as with `candidates`' inner arrays).
    private let mayBegin: [Bool]

    public init(_ secrets: [String]) {
        var patterns: [String] = []
        for secret in secrets where !secret.isEmpty {
            patterns.append(secret)
            patterns.append(contentsOf: Self.base64Forms(Array(secret.utf8)))
        }
        var seen: Set<String> = []
        let unique = patterns.filter { !$0.isEmpty && seen.insert($0).inserted }
        self.patterns = unique.map { Array($0.unicodeScalars) }
        var candidates = [[Int]](repeating: [], count: 256)
        for (index, pattern) in self.patterns.enumerated() {
            let first = pattern[0]
            var starts: Set<UInt8> = [UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "\\"), Array(String(first).utf8)[0]]
            if first == " " { starts.insert(UInt8(ascii: "+")) }
            for byte in starts { candidates[Int(byte)].append(index) }
        }
        self.candidates = candidates
        self.mayBegin = candidates.map { !$0.isEmpty }
    }

    /// Whether there is anything to mask.
    public var isEmpty: Bool { patterns.isEmpty }

    /// `text` with every spelling of every secret replaced by `***`.
    public func apply(_ text: String) -> String {
        guard !patterns.isEmpty, !text.isEmpty else { return text }
        var utf8 = text
        let masked: [UInt8]? = utf8.withUTF8 { bytes in
            var out: [UInt8] = []
            var copied = 0
            var index = 0
            while index < bytes.count {
                if mayBegin[Int(bytes[index])], let end = longestMatch(candidates[Int(bytes[index])], in: bytes, at: index) {
                    if out.isEmpty { out.reserveCapacity(bytes.count) }
                    out.append(contentsOf: bytes[copied..<index])
                    out.append(contentsOf: "***".utf8)
                    copied = end
                    index = end
                } else {
                    index += 1
                }
            }
            guard copied > 0 else { return nil }
            out.append(contentsOf: bytes[copied...])
            return out
        }
        return masked.map { String(decoding: $0, as: UTF8.self) } ?? text
    }

    public func apply(_ error: TransportError) -> TransportError {
        var copy = error
        copy.detail = apply(error.detail)
        return copy
    }

    // MARK: Matching

    /// The end of the longest spelling of one of `found` starting at `start`.
    private func longestMatch(_ found: [Int], in text: UnsafeBufferPointer<UInt8>, at start: Int) -> Int? {
        var best: Int?
        for index in found {
            if let end = match(patterns[index], in: text, at: start), end > (best ?? start) { best = end }
        }
        return best
    }

    /// Every way the pattern can be spelled from `start`, followed scalar by
    /// scalar as a set of reachable positions (no backtracking, no blow-up
    /// however spellings overlap); the furthest end, if any.
    private func match(_ pattern: [Unicode.Scalar], in text: UnsafeBufferPointer<UInt8>, at start: Int) -> Int? {
        // Up to 8 positions inline (no allocation: most attempts fail at the first or second character);
        // spellings only branch at `%`, `&` and `\`, so more is rare and goes the general way.
        var positions = InlineArray<8, Int>(repeating: 0), next = InlineArray<8, Int>(repeating: 0)
        positions[0] = start
        var count = 1
        for scalar in pattern {
            var nextCount = 0, overflow = false
            for i in 0..<count {
                Self.spellings(of: scalar, in: text, at: positions[i]) { end in
                    for j in 0..<nextCount where next[j] == end { return }
                    if nextCount == 8 { overflow = true; return }
                    next[nextCount] = end
                    nextCount += 1
                }
            }
            if overflow { return matchAnyWidth(pattern, in: text, at: start) }
            guard nextCount > 0 else { return nil }
            swap(&positions, &next)
            count = nextCount
        }
        var furthest = positions[0]
        for i in 1..<count { furthest = max(furthest, positions[i]) }
        return furthest
    }

    /// `match` without a bound on the positions followed.
    private func matchAnyWidth(_ pattern: [Unicode.Scalar], in text: UnsafeBufferPointer<UInt8>, at start: Int) -> Int? {
        var positions = [start]
        var next: [Int] = []
        for scalar in pattern {
            next.removeAll(keepingCapacity: true)
            for position in positions {
                Self.spellings(of: scalar, in: text, at: position) { end in
                    if !next.contains(end) { next.append(end) }
                }
            }
            guard !next.isEmpty else { return nil }
            swap(&positions, &next)
        }
        return positions.max()
    }

    /// Calls `found` with the end of each spelling of `scalar` at `position`.
    private static func spellings(of scalar: Unicode.Scalar, in text: UnsafeBufferPointer<UInt8>, at position: Int,
                                  _ found: (Int) -> Void) {
        guard position < text.count else { return }
        if scalar.isASCII {
            // The usual case, without the general path's buffers: as is, `+` for a space, or `%XX`.
            let byte = UInt8(scalar.value)
            if text[position] == byte || (byte == 0x20 && text[position] == UInt8(ascii: "+")) { found(position + 1) }
            if text[position] == UInt8(ascii: "%"), hexValue(text, position + 1, digits: 2) == UInt32(byte) { found(position + 3) }
        } else {
            asBytes(scalar, in: text, at: position, found)
        }
        switch text[position] {
        case UInt8(ascii: "&"):
            if let end = htmlReference(of: scalar, in: text, at: position) { found(end) }
        case UInt8(ascii: "\\"):
            if let end = jsonEscape(of: scalar, in: text, at: position) { found(end) }
        default:
            break
        }
    }

    /// A scalar of several UTF-8 bytes, each written as is or percent-encoded.
    private static func asBytes(_ scalar: Unicode.Scalar, in text: UnsafeBufferPointer<UInt8>, at position: Int,
                                _ found: (Int) -> Void) {
        var utf8: [UInt8] = []
        utf8.reserveCapacity(4)
        UTF8.encode(scalar) { utf8.append($0) }
        var ends = [position]
        for byte in utf8 {
            var after: [Int] = []
            for at in ends where at < text.count {
                if text[at] == byte { after.append(at + 1) }
                if text[at] == UInt8(ascii: "%"), let value = hexValue(text, at + 1, digits: 2), value == UInt32(byte) {
                    after.append(at + 3)
                }
            }
            ends = after
            if ends.isEmpty { break }
        }
        for end in ends { found(end) }
    }

    private static let namedReferences: [(name: [UInt8], scalar: Unicode.Scalar)] =
        [("amp", "&"), ("lt", "<"), ("gt", ">"), ("quot", "\""), ("apos", "'")].map { (Array($0.0.utf8), $0.1) }

    /// `&amp;`-style or `&#39;` / `&#x27;` reference to `scalar` at `position` (an `&`).
    private static func htmlReference(of scalar: Unicode.Scalar, in text: UnsafeBufferPointer<UInt8>, at position: Int) -> Int? {
        var at = position + 1
        guard at < text.count else { return nil }
        if text[at] == UInt8(ascii: "#") {
            at += 1
            let hex = at < text.count && text[at] | 0x20 == UInt8(ascii: "x")
            if hex { at += 1 }
            var value: UInt32 = 0
            var digits = 0
            while at < text.count, digits < 8, let digit = hex ? hexDigit(text[at]) : decimalDigit(text[at]) {
                value = value * (hex ? 16 : 10) + digit
                digits += 1
                at += 1
            }
            guard digits > 0, at < text.count, text[at] == UInt8(ascii: ";"), value == scalar.value else { return nil }
            return at + 1
        }
        for reference in namedReferences where reference.scalar == scalar {
            let end = at + reference.name.count
            guard end < text.count, text[end] == UInt8(ascii: ";") else { continue }
            if zip(reference.name, text[at..<end]).allSatisfy({ $0 == $1 | 0x20 }) { return end + 1 }
        }
        return nil
    }

    /// JSON's one-letter escapes: `\"` `\\` `\/` `\b` `\f` `\n` `\r` `\t`.
    private static let shortEscapes: [Unicode.Scalar: UInt8] = [
        "\"": UInt8(ascii: "\""), "\\": UInt8(ascii: "\\"), "/": UInt8(ascii: "/"), "\u{8}": UInt8(ascii: "b"),
        "\u{C}": UInt8(ascii: "f"), "\n": UInt8(ascii: "n"), "\r": UInt8(ascii: "r"), "\t": UInt8(ascii: "t"),
    ]

    /// `\"`, `\/`, `\n`… or `\u00e9` (a surrogate pair beyond the BMP) for `scalar` at `position` (a `\`).
    private static func jsonEscape(of scalar: Unicode.Scalar, in text: UnsafeBufferPointer<UInt8>, at position: Int) -> Int? {
        let at = position + 1
        guard at < text.count else { return nil }
        if let letter = shortEscapes[scalar], text[at] == letter { return at + 1 }
        guard text[at] == UInt8(ascii: "u"), let unit = hexValue(text, at + 1, digits: 4) else { return nil }
        if scalar.value < 0x10000 { return unit == scalar.value ? at + 5 : nil }
        let offset = scalar.value - 0x10000
        guard unit == 0xD800 + (offset >> 10), at + 6 < text.count, text[at + 5] == UInt8(ascii: "\\"),
              text[at + 6] == UInt8(ascii: "u"), let low = hexValue(text, at + 7, digits: 4),
              low == 0xDC00 + (offset & 0x3FF) else { return nil }
        return at + 11
    }

    private static func hexValue(_ text: UnsafeBufferPointer<UInt8>, _ at: Int, digits: Int) -> UInt32? {
        guard at + digits <= text.count else { return nil }
        var value: UInt32 = 0
        for i in at..<(at + digits) {
            guard let digit = hexDigit(text[i]) else { return nil }
            value = value << 4 | digit
        }
        return value
    }

    private static func hexDigit(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    private static func decimalDigit(_ byte: UInt8) -> UInt32? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? UInt32(byte - UInt8(ascii: "0")) : nil
    }

    // MARK: Base64

    /// The secret's base64 (padded), and the characters that encode only its
    /// bytes when it sits at each of the three alignments inside longer data
    /// (`user:password`); each in the standard and the URL-safe alphabet.
    static func base64Forms(_ secret: [UInt8]) -> [String] {
        guard secret.count >= 4 else { return [] }
        var forms = [Data(secret).base64EncodedString()]
        if secret.count >= 6 {
            for lead in 0..<3 {
                let encoded = Array(Data([UInt8](repeating: 0, count: lead) + secret).base64EncodedString().utf8)
                // Characters holding a neighbour's bits: those before the secret's first bit, and a last partial one.
                let first = (lead * 8 + 5) / 6
                let end = ((lead + secret.count) * 8) / 6
                forms.append(String(decoding: encoded[first..<end], as: UTF8.self))
            }
        }
        let urlSafe = forms.map { String($0.map { $0 == "+" ? "-" : $0 == "/" ? "_" : $0 }) }
        return forms + urlSafe.filter { !forms.contains($0) }
    }
}
