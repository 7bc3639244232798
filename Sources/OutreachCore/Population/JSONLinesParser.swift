/// A push parser for JSON Lines: one JSON object per line.
///
/// Bytes go in as they arrive; each complete, non-blank line is parsed into
/// a flat list of key/value entries held in a reused scratch buffer (no
/// `String` per value). Values may be strings, numbers, booleans or null; a
/// nested object or array is returned as `nested` (the importer rejects it
/// as a value). A trailing CR is ignored, so CRLF files work.
struct JSONLinesParser {
    enum Kind: Equatable { case string, number, bool, null, nested }

    /// One `"key": value` pair; both ranges index `scratch` (string values
    /// unescaped, numbers and literals as written, nested values as raw JSON).
    struct Entry {
        var key: Range<Int>
        var kind: Kind
        var value: Range<Int>
    }

    private(set) var scratch: [UInt8] = []
    private(set) var entries: [Entry] = []
    /// Physical line number of the line just completed.
    private(set) var lineNumber = 0

    private var line: [UInt8] = []
    private var nextLineNumber = 1

    /// The line being read has grown past `CSVParser.maxRecordBytes`.
    var isOversized: Bool { line.count > CSVParser.maxRecordBytes }
    /// Physical number of the line being read.
    var currentLineNumber: Int { nextLineNumber }

    /// Scans from `offset`; true when a non-blank line is complete (call
    /// `parseLine()` for it).
    mutating func next(in buffer: UnsafeBufferPointer<UInt8>, offset: inout Int) -> Bool {
        let n = buffer.count
        while offset < n {
            var j = offset
            while j < n && buffer[j] != 0x0A { j += 1 }
            if j > offset { line.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[offset..<j])) }
            offset = j
            if j == n || isOversized { return false }
            offset += 1
            if completeLine() { return true }
        }
        return false
    }

    /// Ends the input; true when a last line (without LF) is pending.
    mutating func finish() -> Bool {
        line.isEmpty ? false : completeLine()
    }

    private mutating func completeLine() -> Bool {
        lineNumber = nextLineNumber
        nextLineNumber += 1
        if line.last == 0x0D { line.removeLast() }
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
            line.removeAll(keepingCapacity: true)
            return false
        }
        return true
    }

    /// Parses the completed line into `entries`; returns an error message
    /// (for "invalid JSON: …") or nil. Clears the line either way.
    mutating func parseLine() -> String? {
        scratch.removeAll(keepingCapacity: true)
        entries.removeAll(keepingCapacity: true)
        var lineBytes: [UInt8] = []
        swap(&lineBytes, &line)   // own the line while `self` is mutated below
        let failure = lineBytes.withUnsafeBufferPointer { b -> String? in
            var scanner = Scanner(b: b)
            do throws(Scanner.Failure) {
                try scanner.object(into: &self)
            } catch {
                return "\(error.message) at column \(error.column)"
            }
            return nil
        }
        lineBytes.removeAll(keepingCapacity: true)
        swap(&lineBytes, &line)
        return failure
    }

    /// The recursive-descent part, over one line.
    private struct Scanner {
        struct Failure: Error { var message: String; var column: Int }

        let b: UnsafeBufferPointer<UInt8>
        var i = 0

        func fail(_ message: String) -> Failure { Failure(message: message, column: i + 1) }

        mutating func skipSpace() {
            while i < b.count, b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0D || b[i] == 0x0A { i += 1 }
        }

        mutating func expect(_ c: UInt8, _ what: String) throws(Failure) {
            skipSpace()
            guard i < b.count, b[i] == c else { throw fail("expected \(what)") }
            i += 1
        }

        mutating func object(into parser: inout JSONLinesParser) throws(Failure) {
            skipSpace()
            if i < b.count, b[i] == 0xEF, i + 2 < b.count, b[i + 1] == 0xBB, b[i + 2] == 0xBF { i += 3; skipSpace() }
            guard i < b.count, b[i] == UInt8(ascii: "{") else { throw fail("expected '{' (each line must be one JSON object)") }
            i += 1
            skipSpace()
            if i < b.count, b[i] == UInt8(ascii: "}") {
                i += 1
            } else {
                while true {
                    skipSpace()
                    guard i < b.count, b[i] == UInt8(ascii: "\"") else { throw fail("expected a quoted key") }
                    let key = try string(into: &parser.scratch)
                    try expect(UInt8(ascii: ":"), "':'")
                    skipSpace()
                    let (kind, value) = try value(into: &parser.scratch)
                    parser.entries.append(Entry(key: key, kind: kind, value: value))
                    skipSpace()
                    guard i < b.count else { throw fail("expected ',' or '}'") }
                    if b[i] == UInt8(ascii: ",") { i += 1; continue }
                    if b[i] == UInt8(ascii: "}") { i += 1; break }
                    throw fail("expected ',' or '}'")
                }
            }
            skipSpace()
            guard i == b.count else { throw fail("unexpected text after the object") }
        }

        mutating func value(into out: inout [UInt8]) throws(Failure) -> (Kind, Range<Int>) {
            guard i < b.count else { throw fail("expected a value") }
            let c = b[i]
            let start = out.count
            switch c {
            case UInt8(ascii: "\""):
                return (.string, try string(into: &out))
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let from = i
                try skipNested()
                out.append(contentsOf: UnsafeBufferPointer(rebasing: b[from..<i]))
                return (.nested, start..<out.count)
            case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                for word: StaticString in ["true", "false", "null"] {
                    let n = word.utf8CodeUnitCount
                    if i + n <= b.count, (0..<n).allSatisfy({ b[i + $0] == word.utf8Start[$0] }) {
                        i += n
                        if c == UInt8(ascii: "n") { return (.null, start..<start) }
                        out.append(contentsOf: UnsafeBufferPointer(rebasing: b[(i - n)..<i]))
                        return (.bool, start..<out.count)
                    }
                }
                throw fail("unknown literal")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                let from = i
                i += 1
                while i < b.count {
                    let d = b[i]
                    guard (d >= 0x30 && d <= 0x39) || d == UInt8(ascii: ".") || d == UInt8(ascii: "e")
                        || d == UInt8(ascii: "E") || d == UInt8(ascii: "+") || d == UInt8(ascii: "-") else { break }
                    i += 1
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: b[from..<i]))
                return (.number, start..<out.count)
            default:
                throw fail("expected a value")
            }
        }

        /// A quoted string starting at `i`, unescaped into `out`.
        mutating func string(into out: inout [UInt8]) throws(Failure) -> Range<Int> {
            i += 1 // opening quote
            let start = out.count
            while true {
                var j = i
                while j < b.count, b[j] != UInt8(ascii: "\""), b[j] != UInt8(ascii: "\\"), b[j] >= 0x20 { j += 1 }
                if j > i { out.append(contentsOf: UnsafeBufferPointer(rebasing: b[i..<j])) }
                i = j
                guard i < b.count else { throw fail("unterminated string") }
                let c = b[i]
                if c == UInt8(ascii: "\"") { i += 1; return start..<out.count }
                if c < 0x20 { throw fail("control character in a string") }
                // Escape.
                i += 1
                guard i < b.count else { throw fail("unterminated string") }
                let e = b[i]
                i += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        if i + 1 < b.count, b[i] == UInt8(ascii: "\\"), b[i + 1] == UInt8(ascii: "u") {
                            i += 2
                            let low = try hex4()
                            if (0xDC00...0xDFFF).contains(low) {
                                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                            } else {
                                scalar = 0xFFFD
                            }
                        } else {
                            scalar = 0xFFFD
                        }
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        scalar = 0xFFFD
                    }
                    let u = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                    for unit in UTF8.encode(u)! { out.append(unit) }
                default:
                    i -= 1
                    throw fail("invalid escape")
                }
            }
        }

        mutating func hex4() throws(Failure) -> UInt32 {
            guard i + 4 <= b.count else { throw fail("invalid \\u escape") }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let c = b[i]
                let d: UInt32
                switch c {
                case 0x30...0x39: d = UInt32(c - 0x30)
                case 0x41...0x46: d = UInt32(c - 0x41 + 10)
                case 0x61...0x66: d = UInt32(c - 0x61 + 10)
                default: throw fail("invalid \\u escape")
                }
                v = v * 16 + d
                i += 1
            }
            return v
        }

        /// Skips a balanced object or array (strings inside respected).
        mutating func skipNested() throws(Failure) {
            var depth = 0
            while i < b.count {
                let c = b[i]
                if c == UInt8(ascii: "\"") {
                    i += 1
                    while i < b.count, b[i] != UInt8(ascii: "\"") { i += b[i] == UInt8(ascii: "\\") ? 2 : 1 }
                    guard i < b.count else { throw fail("unterminated string") }
                } else if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") {
                    depth += 1
                } else if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") {
                    depth -= 1
                    if depth == 0 { i += 1; return }
                }
                i += 1
            }
            throw fail("unterminated nested value")
        }
    }
}
