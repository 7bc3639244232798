/// Converts a population file in a declared encoding to UTF-8 as it is
/// read, chunk by chunk (a chunk may end inside a UTF-16 code unit or
/// surrogate pair: the rest is carried over).
///
/// The single-byte tables map the upper half (0x80–0xFF); the lower half is
/// ASCII in both. They follow the Unicode mapping files as Python's codecs
/// `cp1256` and `iso8859_6` ship them (the tests compare every byte). A byte
/// ISO-8859-6 leaves unassigned, or UTF-16 that does not pair its
/// surrogates, is a located error: the file is not in the encoding the
/// schema declares.
struct PopulationTranscoder {
    let encoding: PopulationEncoding
    let fileName: String?
    /// Bytes of the input consumed so far, and the line they reached.
    private(set) var offset = 0
    private(set) var line = 1
    private var started = false
    private var bigEndian = false
    /// UTF-16: a byte of an unfinished code unit, a high surrogate awaiting its pair.
    private var pendingByte: UInt8?
    private var highSurrogate: UInt16?

    init(encoding: PopulationEncoding, fileName: String?) {
        self.encoding = encoding
        self.fileName = fileName
    }

    /// Appends the UTF-8 form of `input` to `out`.
    mutating func convert(_ input: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) throws(OutreachError) {
        switch encoding {
        case .utf8:
            out.append(contentsOf: input)
        case .windows1256:
            try convertSingleByte(input, table: Self.windows1256, into: &out)
        case .iso88596:
            try convertSingleByte(input, table: Self.iso88596, into: &out)
        case .utf16:
            try convertUTF16(input, into: &out)
        }
    }

    /// Ends the input: an odd last byte or a lone high surrogate is an error.
    mutating func finish() throws(OutreachError) {
        if pendingByte != nil || highSurrogate != nil {
            throw error("the file ends in the middle of a UTF-16 character", byte: nil)
        }
    }

    private mutating func convertSingleByte(_ input: UnsafeBufferPointer<UInt8>, table: [UInt16], into out: inout [UInt8]) throws(OutreachError) {
        out.reserveCapacity(out.count + input.count * 2)
        for c in input {
            if c < 0x80 {
                out.append(c)
                if c == 0x0A { line += 1 }
            } else {
                let scalar = table[Int(c) - 0x80]
                if scalar == 0 { throw error("byte 0x\(TextProblem.hex(UInt32(c), width: 2)) is not a character in \(encoding.iconvName)", byte: c) }
                appendUTF8(UInt32(scalar), to: &out)
            }
            offset += 1
        }
    }

    private mutating func convertUTF16(_ input: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) throws(OutreachError) {
        out.reserveCapacity(out.count + input.count * 3 / 2)
        var i = 0
        while i < input.count {
            let first: UInt8
            if let pending = pendingByte {
                first = pending
                pendingByte = nil
            } else {
                first = input[i]
                i += 1
                if i == input.count { pendingByte = first; return }
            }
            let second = input[i]
            i += 1
            if !started {
                started = true
                // The byte-order mark decides, and is not part of the text;
                // without one, a first character whose high byte is zero
                // (ASCII, as a header's first letter is) tells big-endian.
                if first == 0xFF && second == 0xFE { bigEndian = false; offset += 2; continue }
                if first == 0xFE && second == 0xFF { bigEndian = true; offset += 2; continue }
                bigEndian = first == 0 && second != 0
            }
            let unit = bigEndian ? UInt16(first) << 8 | UInt16(second) : UInt16(second) << 8 | UInt16(first)
            if let high = highSurrogate {
                guard (0xDC00...0xDFFF).contains(unit) else { throw error("a UTF-16 high surrogate is not followed by a low one", byte: nil) }
                highSurrogate = nil
                appendUTF8(0x10000 + (UInt32(high - 0xD800) << 10) + UInt32(unit - 0xDC00), to: &out)
            } else if (0xD800...0xDBFF).contains(unit) {
                highSurrogate = unit
            } else if (0xDC00...0xDFFF).contains(unit) {
                throw error("a UTF-16 low surrogate has no high one before it", byte: nil)
            } else {
                if unit == 0x0A { line += 1 }
                appendUTF8(UInt32(unit), to: &out)
            }
            offset += 2
        }
    }

    @inline(__always)
    private func appendUTF8(_ v: UInt32, to out: inout [UInt8]) {
        switch v {
        case 0..<0x80:
            out.append(UInt8(v))
        case 0x80..<0x800:
            out.append(0xC0 | UInt8(v >> 6))
            out.append(0x80 | UInt8(v & 0x3F))
        case 0x800..<0x10000:
            out.append(0xE0 | UInt8(v >> 12))
            out.append(0x80 | UInt8((v >> 6) & 0x3F))
            out.append(0x80 | UInt8(v & 0x3F))
        default:
            out.append(0xF0 | UInt8(v >> 18))
            out.append(0x80 | UInt8((v >> 12) & 0x3F))
            out.append(0x80 | UInt8((v >> 6) & 0x3F))
            out.append(0x80 | UInt8(v & 0x3F))
        }
    }

    private func error(_ what: String, byte: UInt8?) -> OutreachError {
        var hint = "check the file's encoding (`file -i FILE`) and set `encoding:` in the schema to match it"
        if encoding == .iso88596 { hint = "the file may be Windows-1256: try `encoding: windows-1256` in the schema" }
        return OutreachError(.invalidValue, "\(what) (byte offset \(offset), line \(line)); the schema says the file is \(encoding)",
                             at: SourceLocation(file: fileName, line: line, column: 1), hint: hint)
    }

    /// Unicode scalars of bytes 0x80–0xFF in Windows-1256 (every byte is assigned).
    static let windows1256: [UInt16] = [
        0x20AC, 0x067E, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,  // 0x80
        0x02C6, 0x2030, 0x0679, 0x2039, 0x0152, 0x0686, 0x0698, 0x0688,  // 0x88
        0x06AF, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,  // 0x90
        0x06A9, 0x2122, 0x0691, 0x203A, 0x0153, 0x200C, 0x200D, 0x06BA,  // 0x98
        0x00A0, 0x060C, 0x00A2, 0x00A3, 0x00A4, 0x00A5, 0x00A6, 0x00A7,  // 0xA0
        0x00A8, 0x00A9, 0x06BE, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x00AF,  // 0xA8
        0x00B0, 0x00B1, 0x00B2, 0x00B3, 0x00B4, 0x00B5, 0x00B6, 0x00B7,  // 0xB0
        0x00B8, 0x00B9, 0x061B, 0x00BB, 0x00BC, 0x00BD, 0x00BE, 0x061F,  // 0xB8
        0x06C1, 0x0621, 0x0622, 0x0623, 0x0624, 0x0625, 0x0626, 0x0627,  // 0xC0
        0x0628, 0x0629, 0x062A, 0x062B, 0x062C, 0x062D, 0x062E, 0x062F,  // 0xC8
        0x0630, 0x0631, 0x0632, 0x0633, 0x0634, 0x0635, 0x0636, 0x00D7,  // 0xD0
        0x0637, 0x0638, 0x0639, 0x063A, 0x0640, 0x0641, 0x0642, 0x0643,  // 0xD8
        0x00E0, 0x0644, 0x00E2, 0x0645, 0x0646, 0x0647, 0x0648, 0x00E7,  // 0xE0
        0x00E8, 0x00E9, 0x00EA, 0x00EB, 0x0649, 0x064A, 0x00EE, 0x00EF,  // 0xE8
        0x064B, 0x064C, 0x064D, 0x064E, 0x00F4, 0x064F, 0x0650, 0x00F7,  // 0xF0
        0x0651, 0x00F9, 0x0652, 0x00FB, 0x00FC, 0x200E, 0x200F, 0x06D2,  // 0xF8
    ]

    /// Unicode scalars of bytes 0x80–0xFF in ISO-8859-6; 0 is unassigned.
    static let iso88596: [UInt16] = [
        0x0080, 0x0081, 0x0082, 0x0083, 0x0084, 0x0085, 0x0086, 0x0087,  // 0x80
        0x0088, 0x0089, 0x008A, 0x008B, 0x008C, 0x008D, 0x008E, 0x008F,  // 0x88
        0x0090, 0x0091, 0x0092, 0x0093, 0x0094, 0x0095, 0x0096, 0x0097,  // 0x90
        0x0098, 0x0099, 0x009A, 0x009B, 0x009C, 0x009D, 0x009E, 0x009F,  // 0x98
        0x00A0, 0x0000, 0x0000, 0x0000, 0x00A4, 0x0000, 0x0000, 0x0000,  // 0xA0
        0x0000, 0x0000, 0x0000, 0x0000, 0x060C, 0x00AD, 0x0000, 0x0000,  // 0xA8
        0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,  // 0xB0
        0x0000, 0x0000, 0x0000, 0x061B, 0x0000, 0x0000, 0x0000, 0x061F,  // 0xB8
        0x0000, 0x0621, 0x0622, 0x0623, 0x0624, 0x0625, 0x0626, 0x0627,  // 0xC0
        0x0628, 0x0629, 0x062A, 0x062B, 0x062C, 0x062D, 0x062E, 0x062F,  // 0xC8
        0x0630, 0x0631, 0x0632, 0x0633, 0x0634, 0x0635, 0x0636, 0x0637,  // 0xD0
        0x0638, 0x0639, 0x063A, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,  // 0xD8
        0x0640, 0x0641, 0x0642, 0x0643, 0x0644, 0x0645, 0x0646, 0x0647,  // 0xE0
        0x0648, 0x0649, 0x064A, 0x064B, 0x064C, 0x064D, 0x064E, 0x064F,  // 0xE8
        0x0650, 0x0651, 0x0652, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,  // 0xF0
        0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,  // 0xF8
    ]
}
