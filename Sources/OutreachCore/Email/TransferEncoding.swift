import Foundation

/// The `Content-Transfer-Encoding` of a text part, picked by size.
///
/// Both candidates are computed and the shorter wins (quoted-printable on a
/// tie, since it stays readable). English text is nearly all printable
/// ASCII, so quoted-printable costs almost nothing; Arabic letters are two
/// UTF-8 bytes each, six characters in quoted-printable (`=D8=A7`) but under
/// three in base64 — so an Arabic body goes out as base64, about 45% of the
/// quoted-printable size. Mixed HTML (ASCII markup around Arabic text) falls
/// wherever its bytes put it.
public enum TransferEncoding: String, Sendable, Hashable {
    case quotedPrintable = "quoted-printable"
    case base64

    /// Encoded-line limit (RFC 2045 §6.7, §6.8): 76 characters before CRLF.
    public static let maxLineLength = 76

    /// Picks the shorter encoding for `bytes` (already in canonical CRLF form).
    public static func choose(for bytes: [UInt8]) -> TransferEncoding {
        quotedPrintableLength(bytes) <= base64Length(bytes) ? .quotedPrintable : .base64
    }

    /// The shorter encoding and the encoded body, encoding quoted-printable
    /// once (to measure it and, when it wins, to send it).
    public static func encodeShorter(_ bytes: [UInt8]) -> (TransferEncoding, String) {
        let qp = quotedPrintableBytes(bytes)
        if qp.count <= base64Length(bytes) { return (.quotedPrintable, String(decoding: qp, as: UTF8.self)) }
        return (.base64, base64(bytes))
    }

    /// The encoded body, lines joined by CRLF, with no CRLF after the last
    /// line (the boundary delimiter that follows brings its own).
    public func encode(_ bytes: [UInt8]) -> String {
        switch self {
        case .quotedPrintable: Self.quotedPrintable(bytes)
        case .base64: Self.base64(bytes)
        }
    }

    /// Text with every line break (CRLF, CR, LF) made CRLF: the canonical
    /// form of `text/*` bodies (RFC 2046 §4.1.1).
    public static func canonicalLines(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 16)
        var previousCR = false
        var text = text
        text.withUTF8 { bytes in
            // Copy the runs between line breaks whole.
            var start = 0
            for index in bytes.indices {
                let byte = bytes[index]
                guard byte == 0x0D || byte == 0x0A else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                if byte == 0x0D || !(previousCR && index == start) {
                    out.append(0x0D)
                    out.append(0x0A)
                }
                previousCR = byte == 0x0D
                start = index + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        }
        return out
    }

    // MARK: base64

    static func base64(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        writeBase64(bytes, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static let base64Alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Base64 of `bytes` (RFC 4648, padded) in lines of 76 characters joined
    /// by CRLF, no CRLF after the last line, appended to `out`.
    static func writeBase64(_ bytes: [UInt8], into out: inout [UInt8]) {
        out.reserveCapacity(out.count + base64Length(bytes))
        var column = 0
        @inline(__always) func put(_ byte: UInt8, _ out: inout [UInt8]) {
            if column == maxLineLength {
                out.append(0x0D)
                out.append(0x0A)
                column = 0
            }
            out.append(byte)
            column += 1
        }
        base64Alphabet.withUnsafeBufferPointer { alphabet in
            var i = 0
            while i + 3 <= bytes.count {
                let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
                put(alphabet[Int(n >> 18)], &out)
                put(alphabet[Int(n >> 12 & 0x3F)], &out)
                put(alphabet[Int(n >> 6 & 0x3F)], &out)
                put(alphabet[Int(n & 0x3F)], &out)
                i += 3
            }
            let rest = bytes.count - i
            if rest > 0 {
                let n = UInt32(bytes[i]) << 16 | (rest == 2 ? UInt32(bytes[i + 1]) << 8 : 0)
                put(alphabet[Int(n >> 18)], &out)
                put(alphabet[Int(n >> 12 & 0x3F)], &out)
                put(rest == 2 ? alphabet[Int(n >> 6 & 0x3F)] : UInt8(ascii: "="), &out)
                put(UInt8(ascii: "="), &out)
            }
        }
    }

    static func base64Length(_ bytes: [UInt8]) -> Int {
        let characters = (bytes.count + 2) / 3 * 4
        let lines = (characters + maxLineLength - 1) / maxLineLength
        return characters + 2 * max(0, lines - 1)
    }

    // MARK: quoted-printable

    private static let hex = Array("0123456789ABCDEF".utf8)

    /// RFC 2045 §6.7: printable ASCII except `=` as itself, everything else
    /// as `=XX`; spaces and tabs encoded when they end a line; soft line
    /// breaks (`=` CRLF) keep every line within 76 characters and never cut
    /// an `=XX` or a UTF-8 character in two. Hard line breaks are CRLF.
    /// Leading dots are left alone: libcurl dot-stuffs the DATA stream.
    static func quotedPrintable(_ bytes: [UInt8]) -> String {
        String(decoding: quotedPrintableBytes(bytes), as: UTF8.self)
    }

    static func quotedPrintableLength(_ bytes: [UInt8]) -> Int {
        quotedPrintableBytes(bytes).count
    }

    /// Hard lines joined by CRLF; no CRLF is added after the last one (the
    /// MIME writer's boundary delimiter brings its own), so the decoded part
    /// is exactly the input.
    private static func quotedPrintableBytes(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        writeQuotedPrintable(bytes, into: &out)
        return out
    }

    /// `quotedPrintable` appended to `out`.
    static func writeQuotedPrintable(_ bytes: [UInt8], into out: inout [UInt8]) {
        out.reserveCapacity(out.count + bytes.count * 3 / 2)
        var start = 0
        var index = 0
        while index + 1 < bytes.count {
            if bytes[index] == 0x0D && bytes[index + 1] == 0x0A {
                encodeLine(bytes[start..<index], into: &out)
                out += [0x0D, 0x0A]
                index += 2
                start = index
            } else {
                index += 1
            }
        }
        encodeLine(bytes[start..<bytes.count], into: &out)
    }

    /// One hard line (without its CRLF), with soft breaks inserted.
    private static func encodeLine(_ line: ArraySlice<UInt8>, into out: inout [UInt8]) {
        // Encode character by character (a UTF-8 sequence is one unit) so
        // soft breaks fall between characters, never inside `=XX` or a letter.
        // Each unit is measured first, then written straight into `out`.
        // Most lines of text are short printable ASCII: they go as they are.
        // (A line of at most 76 literal bytes needs no soft break.)
        if line.count <= maxLineLength, let lastByte = line.last,
           lastByte != 0x20 && lastByte != 0x09,
           line.allSatisfy({ ($0 >= 33 && $0 <= 126 && $0 != UInt8(ascii: "=")) || $0 == 0x20 || $0 == 0x09 }) {
            out += line
            return
        }
        var lineLength = 0
        var i = line.startIndex
        let last = line.endIndex - 1
        @inline(__always) func literal(_ byte: UInt8, at j: Int) -> Bool {
            // A space or tab is literal only when something visible follows
            // it on the same encoded line; otherwise it could be stripped.
            (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "=")) || ((byte == 0x20 || byte == 0x09) && j != last)
        }
        while i < line.endIndex {
            let width: Int
            switch line[i] {
            case 0xF0...0xF7: width = 4
            case 0xE0...0xEF: width = 3
            case 0xC0...0xDF: width = 2
            default: width = 1
            }
            let end = min(i + width, line.endIndex)
            var unitLength = 0
            for j in i..<end { unitLength += literal(line[j], at: j) ? 1 : 3 }
            // Room for the soft-break `=` unless this unit ends the hard line.
            let limit = end == line.endIndex ? maxLineLength : maxLineLength - 1
            if lineLength > 0 && lineLength + unitLength > limit {
                // The soft break would leave a space or tab at the end of an
                // encoded line: encode it there instead.
                if let previous = out.last, previous == 0x20 || previous == 0x09 {
                    out.removeLast()
                    lineLength -= 1
                    if lineLength + 3 > maxLineLength - 1 {
                        out.append(UInt8(ascii: "=")); out.append(0x0D); out.append(0x0A)
                        lineLength = 0
                    }
                    out.append(UInt8(ascii: "=")); out.append(hex[Int(previous >> 4)]); out.append(hex[Int(previous & 0x0F)])
                    lineLength += 3
                }
                out.append(UInt8(ascii: "=")); out.append(0x0D); out.append(0x0A)
                lineLength = 0
            }
            for j in i..<end {
                let byte = line[j]
                if literal(byte, at: j) {
                    out.append(byte)
                } else {
                    out.append(UInt8(ascii: "=")); out.append(hex[Int(byte >> 4)]); out.append(hex[Int(byte & 0x0F)])
                }
            }
            lineLength += unitLength
            i = end
        }
    }
}
