/// A push parser for RFC 4180 CSV: bytes go in as they arrive, whole
/// records come out.
///
/// Chunk boundaries may fall anywhere (inside a field, a quoted newline, a
/// UTF-8 sequence, a CRLF): state carries over. A record's fields are kept
/// as one byte buffer plus end offsets, reused from record to record, so
/// memory is bounded by the longest record. Records end at LF, CRLF or a
/// lone CR; blank lines are skipped. Lenient where it is harmless: a quote
/// inside an unquoted field is kept as text. Text after a closing quote
/// (`"ab"c`) is kept but flags the record (`malformedQuotes`); a quote still
/// open at the end of input flags it as `unterminatedQuote`.
///
/// Line numbers count LF, CRLF and lone CR outside quotes, and LF inside
/// quoted fields. The field separator is `,` unless the schema names
/// another (`CSVDelimiter`).
struct CSVParser {
    private enum State { case recordStart, afterCR, fieldStart, unquoted, quoted, quotedQuote }

    /// The current record's field bytes, concatenated.
    private(set) var bytes: [UInt8] = []
    /// End offset in `bytes` of each field of the current record.
    private(set) var ends: [Int] = []
    /// Physical line where the current record starts.
    private(set) var recordLine = 1
    private(set) var malformedQuotes = false
    private(set) var unterminatedQuote = false
    /// Line where the current record's last quoted field opened.
    private(set) var quoteLine = 1

    private var line = 1
    private var state = State.recordStart

    let delimiter: UInt8
    private static let quote = UInt8(ascii: "\""), lf: UInt8 = 0x0A, cr: UInt8 = 0x0D

    /// A record longer than this is almost surely a quote that is never
    /// closed; the importer stops rather than buffer the rest of the file.
    static let maxRecordBytes = 8 << 20

    init(delimiter: CSVDelimiter = .comma) {
        self.delimiter = delimiter.rawValue
    }

    var fieldCount: Int { ends.count }

    /// Non-blank physical lines in the current record: more than 1 when a
    /// quoted field holds line breaks. When the record is broken, these are
    /// the records a quote left open swallowed.
    var nonBlankLines: Int {
        var count = 1
        var afterBreak = false
        for c in bytes {
            if c == Self.lf {
                afterBreak = true
            } else if afterBreak && c != Self.cr {
                count += 1
                afterBreak = false
            }
        }
        return count
    }

    /// The physical line of the current record's last byte.
    var lastLine: Int {
        var breaks = 0
        for c in bytes where c == Self.lf { breaks += 1 }
        return recordLine + breaks - (bytes.last == Self.lf ? 1 : 0)
    }

    /// The parser is inside a quoted field (at the end of the input: a
    /// quote never closed).
    var isInsideQuotes: Bool { state == .quoted }

    /// The current record has grown past `maxRecordBytes`.
    var isOversized: Bool { bytes.count > Self.maxRecordBytes }

    /// Bytes of field `k` of the current record.
    func fieldRange(_ k: Int) -> Range<Int> { (k == 0 ? 0 : ends[k - 1])..<ends[k] }

    /// Forgets the current record (call after handling it).
    mutating func clearRecord() {
        bytes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        malformedQuotes = false
        unterminatedQuote = false
    }

    /// Scans `buffer` from `offset`. Returns true when a record is complete
    /// (then `offset` is just past its terminator); false when the buffer is
    /// used up with the record, if any, still open.
    mutating func next(in buffer: UnsafeBufferPointer<UInt8>, offset: inout Int) -> Bool {
        let n = buffer.count
        var i = offset
        defer { offset = i }
        while i < n {
            switch state {
            case .afterCR:
                state = .recordStart
                if buffer[i] == Self.lf { i += 1 }
            case .recordStart:
                let c = buffer[i]
                if c == Self.lf || c == Self.cr {       // blank line
                    line += 1
                    i += 1
                    if c == Self.cr { state = .afterCR }
                } else {
                    recordLine = line
                    quoteLine = line
                    state = .fieldStart
                }
            case .fieldStart:
                if buffer[i] == Self.quote {
                    quoteLine = line
                    state = .quoted
                    i += 1
                } else {
                    state = .unquoted
                }
            case .unquoted:
                let delimiter = self.delimiter
                var j = i
                while j < n {
                    let c = buffer[j]
                    if c == delimiter || c == Self.lf || c == Self.cr { break }
                    j += 1
                }
                if j > i { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[i..<j])) }
                i = j
                if j == n || isOversized { return false }
                let c = buffer[j]
                i += 1
                ends.append(bytes.count)
                if c == delimiter {
                    state = .fieldStart
                } else {
                    line += 1
                    state = c == Self.cr ? .afterCR : .recordStart
                    return true
                }
            case .quoted:
                var j = i
                while j < n {
                    let c = buffer[j]
                    if c == Self.quote { break }
                    if c == Self.lf { line += 1 }
                    j += 1
                }
                if j > i { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[i..<j])) }
                i = j
                if j == n || isOversized { return false }
                i += 1
                state = .quotedQuote
            case .quotedQuote:
                let c = buffer[i]
                if c == Self.quote {            // "" inside quotes
                    bytes.append(Self.quote)
                    state = .quoted
                    i += 1
                } else if c == delimiter {
                    ends.append(bytes.count)
                    state = .fieldStart
                    i += 1
                } else if c == Self.lf || c == Self.cr {
                    ends.append(bytes.count)
                    line += 1
                    state = c == Self.cr ? .afterCR : .recordStart
                    i += 1
                    return true
                } else {
                    malformedQuotes = true
                    state = .unquoted
                }
            }
        }
        return false
    }

    /// Ends the input. Returns true when a last record (without a line
    /// terminator) is pending; it is then the current record.
    mutating func finish() -> Bool {
        switch state {
        case .recordStart, .afterCR:
            return false
        case .quoted:
            unterminatedQuote = true
            ends.append(bytes.count)
        case .fieldStart, .unquoted, .quotedQuote:
            ends.append(bytes.count)
        }
        state = .recordStart
        return true
    }
}
