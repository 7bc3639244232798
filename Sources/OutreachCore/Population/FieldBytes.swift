/// Byte-level scanners behind `FieldParser`.
enum FieldBytes {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    /// Length of a white-space-like sequence starting at `i`, or 0.
    @inline(__always)
    static func spaceLength(_ b: Bytes, at i: Int) -> Int {
        let c = b[i]
        if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { return 1 }
        if c == 0xC2, i + 1 < b.count, b[i + 1] == 0xA0 { return 2 }          // U+00A0
        if c == 0xE2, i + 2 < b.count, b[i + 1] == 0x80 {
            let d = b[i + 2]
            if d == 0x8B || d == 0x8E || d == 0x8F || d == 0xAF { return 3 }   // ZWSP, LRM, RLM, NNBSP
        }
        if c == 0xEF, i + 2 < b.count, b[i + 1] == 0xBB, b[i + 2] == 0xBF { return 3 } // BOM
        return 0
    }

    /// Length of a white-space-like sequence ending just before `end`, or 0.
    @inline(__always)
    static func trailingSpaceLength(_ b: Bytes, end: Int, start: Int) -> Int {
        let c = b[end - 1]
        if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { return 1 }
        if end - start >= 2, c == 0xA0, b[end - 2] == 0xC2 { return 2 }
        if end - start >= 3 {
            if b[end - 3] == 0xE2, b[end - 2] == 0x80, c == 0x8B || c == 0x8E || c == 0x8F || c == 0xAF { return 3 }
            if b[end - 3] == 0xEF, b[end - 2] == 0xBB, c == 0xBF { return 3 }
        }
        return 0
    }

    /// Every byte is ASCII (then the bytes are their own `String`'s UTF-8).
    static func isASCII(_ b: Bytes) -> Bool {
        var i = 0
        let n = b.count
        if let base = b.baseAddress {
            let raw = UnsafeRawPointer(base)
            var any: UInt64 = 0
            while i + 8 <= n {
                any |= raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                i += 8
            }
            if any & 0x8080_8080_8080_8080 != 0 { return false }
        }
        while i < n {
            if b[i] >= 0x80 { return false }
            i += 1
        }
        return true
    }

    static func trimmed(_ b: Bytes) -> Bytes {
        var start = 0, end = b.count
        while start < end {
            let n = spaceLength(b, at: start)
            if n == 0 { break }
            start += n
        }
        while end > start {
            let n = trailingSpaceLength(b, end: end, start: start)
            if n == 0 { break }
            end -= n
        }
        return Bytes(rebasing: b[start..<end])
    }

    /// A Western, Arabic-Indic (U+0660…) or Persian (U+06F0…) digit at `i`:
    /// its value and byte length.
    @inline(__always)
    static func digit(_ b: Bytes, at i: Int) -> (value: Int, length: Int)? {
        let c = b[i]
        if c >= 0x30 && c <= 0x39 { return (Int(c - 0x30), 1) }
        if i + 1 < b.count {
            let d = b[i + 1]
            if c == 0xD9, d >= 0xA0, d <= 0xA9 { return (Int(d - 0xA0), 2) }
            if c == 0xDB, d >= 0xB0, d <= 0xB9 { return (Int(d - 0xB0), 2) }
        }
        return nil
    }

    static func integer(_ b: Bytes) -> Int64? {
        var i = 0
        var negative = false
        if b[0] == UInt8(ascii: "-") || b[0] == UInt8(ascii: "+") {
            negative = b[0] == UInt8(ascii: "-")
            i = 1
        }
        guard i < b.count else { return nil }
        var value: Int64 = 0
        while i < b.count {
            guard let (d, len) = digit(b, at: i) else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = negative ? m.subtractingReportingOverflow(Int64(d)) : m.addingReportingOverflow(Int64(d))
            guard !o1, !o2 else { return nil }
            value = s
            i += len
        }
        return value == Column.missingInt ? nil : value
    }

    static func decimal(_ b: Bytes) -> Double? {
        // Rewrite to ASCII, checking the shape: [sign] digits [. digits] [e [sign] digits].
        var ascii: [UInt8] = []
        ascii.reserveCapacity(b.count)
        var i = 0
        var digits = 0, sawPoint = false, sawExponent = false, exponentDigits = 0
        if b[0] == UInt8(ascii: "-") || b[0] == UInt8(ascii: "+") { ascii.append(b[0]); i = 1 }
        while i < b.count {
            if let (d, len) = digit(b, at: i) {
                ascii.append(UInt8(0x30 + d))
                if sawExponent { exponentDigits += 1 } else { digits += 1 }
                i += len
                continue
            }
            let c = b[i]
            if (c == UInt8(ascii: ".") || (c == 0xD9 && i + 1 < b.count && b[i + 1] == 0xAB)) && !sawPoint && !sawExponent {
                sawPoint = true
                ascii.append(UInt8(ascii: "."))
                i += c == 0xD9 ? 2 : 1
            } else if (c == UInt8(ascii: "e") || c == UInt8(ascii: "E")) && !sawExponent && digits > 0 {
                sawExponent = true
                ascii.append(UInt8(ascii: "e"))
                i += 1
                if i < b.count, b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") { ascii.append(b[i]); i += 1 }
            } else {
                return nil
            }
        }
        guard digits > 0, !sawExponent || exponentDigits > 0 else { return nil }
        guard let value = Double(String(decoding: ascii, as: UTF8.self)), value.isFinite else { return nil }
        return value
    }

    /// Case-insensitive (ASCII) comparison with a literal.
    @inline(__always)
    static func matches(_ b: Bytes, _ literal: StaticString) -> Bool {
        guard b.count == literal.utf8CodeUnitCount else { return false }
        let l = literal.utf8Start
        for i in 0..<b.count {
            var c = b[i]
            if c >= 0x41 && c <= 0x5A { c += 0x20 }
            if c != l[i] { return false }
        }
        return true
    }

    static func bool(_ b: Bytes) -> Bool? {
        if matches(b, "true") || matches(b, "yes") || matches(b, "1") || matches(b, "نعم") || matches(b, "١") { return true }
        if matches(b, "false") || matches(b, "no") || matches(b, "0") || matches(b, "لا") || matches(b, "٠") { return false }
        return nil
    }

    static func gender(_ b: Bytes) -> Gender? {
        if matches(b, "male") || matches(b, "m") || matches(b, "ذكر") { return .male }
        if matches(b, "female") || matches(b, "f") || matches(b, "أنثى") || matches(b, "انثى") || matches(b, "أنثي") || matches(b, "انثي") {
            return .female
        }
        return nil
    }

    /// `YYYY-MM-DD` with any of the accepted digit shapes.
    static func ymd(_ b: Bytes) -> (Int, Int, Int)? {
        var parts = (0, 0, 0)
        var part = 0, width = 0, i = 0
        while i < b.count {
            if let (d, len) = digit(b, at: i) {
                // A digit past the part's width is not a date (and a long run would overflow the sum).
                guard width < (part == 0 ? 4 : 2) else { return nil }
                switch part {
                case 0: parts.0 = parts.0 * 10 + d
                case 1: parts.1 = parts.1 * 10 + d
                default: parts.2 = parts.2 * 10 + d
                }
                width += 1
                i += len
            } else if b[i] == UInt8(ascii: "-"), part < 2, width == (part == 0 ? 4 : 2) {
                part += 1
                width = 0
                i += 1
            } else {
                return nil
            }
        }
        guard part == 2, width == 2 else { return nil }
        return parts
    }

    static func isoDay(_ b: Bytes) -> Day? {
        guard let (y, m, d) = ymd(b) else { return nil }
        return Day(year: y, month: m, day: d)
    }

    static func hijriDay(_ b: Bytes) -> Day? {
        var end = b.count
        // Optional suffix هـ (U+0647 U+0640) or ه, then white space.
        if end >= 2, b[end - 2] == 0xD9, b[end - 1] == 0x80 { end -= 2 }   // tatweel
        if end >= 2, b[end - 2] == 0xD9, b[end - 1] == 0x87 { end -= 2 }   // heh
        let body = trimmed(Bytes(rebasing: b[0..<end]))
        guard let (y, m, d) = ymd(body) else { return nil }
        return UmmAlQura.day(year: y, month: m, day: d)
    }

    static func email(_ b: Bytes) -> String? {
        var at = -1
        for i in 0..<b.count {
            let c = b[i]
            if c == UInt8(ascii: "@") {
                guard at < 0 else { return nil }
                at = i
            } else if c <= 0x20 || c == 0x7F || c == UInt8(ascii: ",") || c == UInt8(ascii: ";") || spaceLength(b, at: i) > 0 {
                return nil
            }
        }
        guard at > 0, at < b.count - 1 else { return nil }
        let domain = Bytes(rebasing: b[(at + 1)...])
        guard domain.first != UInt8(ascii: "."), domain.last != UInt8(ascii: "."), domain.contains(UInt8(ascii: ".")) else { return nil }
        for i in 1..<domain.count where domain[i] == UInt8(ascii: ".") && domain[i - 1] == UInt8(ascii: ".") { return nil }
        var out = [UInt8](b)
        var asciiOnly = true
        for i in (at + 1)..<out.count {
            if out[i] >= 0x41 && out[i] <= 0x5A { out[i] += 0x20 }
            if out[i] >= 0x80 { asciiOnly = false }
        }
        let text = String(decoding: out, as: UTF8.self)
        if asciiOnly { return text }
        let local = String(decoding: b[0...at], as: UTF8.self)
        return local + String(decoding: domain, as: UTF8.self).lowercased()
    }
}
