/// Builds a columnar `Population` from a CSV or JSON Lines file fed in
/// chunks, normalising every value to its schema type and counting every
/// row and value it refuses.
///
/// The core does no I/O: the caller reads the file (e.g. 1 MiB at a time)
/// and calls `consume(_:)` for each chunk, then `finish()`. Chunks may split
/// anything (a field, a quoted newline, a UTF-8 sequence, a CRLF, the BOM).
/// Memory is the population itself plus the longest record; repeated ids
/// are found through the id column's own dictionary when it is kept as
/// text, else through an `IDIndex` of the ids' bytes.
///
/// The file is in the schema's `encoding` (UTF-8 unless it says otherwise;
/// other encodings are converted as they are read). Its first 64 KiB are
/// looked at before anything is imported: a file that is not in the
/// declared encoding (a Windows-1256 or UTF-16 export read as UTF-8, say)
/// is refused with the encoding it seems to be in and the fix. A value that
/// is not valid text (a control character, a byte that is not UTF-8) is
/// rejected and counted like any value that does not parse; an id that is
/// not valid text rejects its row.
///
/// CSV: the first record is the header; a UTF-8 BOM is skipped. JSON Lines:
/// the columns are the keys of the first valid object, then the schema's
/// fields; a key seen later that is neither is counted as a rejected value
/// of that key (it has no column to go to). A JSON `null` is missing.
///
/// `fields`, when given, keeps only those columns: the others are read past
/// without being parsed or stored (counting audiences reads a handful of a
/// file's columns). Rows are accepted and rejected exactly as in a full
/// import — the id column is always read, to find blank, invalid and
/// repeated ids — but the report then lists rejected values only for the
/// kept columns.
///
/// A quote left open swallows the lines after it into one broken record:
/// each non-blank line it swallowed is counted as a rejected row
/// (`unterminatedQuote` when it runs to the end of the file, `runawayQuote`
/// when a later quote closes it), with the line the quote opened on, so
/// the counts say how many records were lost.
///
/// Only fatal problems throw: an empty file, a file not in its declared
/// encoding, a CSV header that lacks the id column, repeats a name or has an
/// empty name, and a record or line longer than 8 MiB (a quote never closed
/// would otherwise swallow the rest of the file into memory). Everything
/// else lands in the `ImportReport`.
public struct PopulationImporter: Sendable {
    public let schema: PopulationSchema
    public let format: PopulationFormat
    public let fileName: String?
    /// The columns kept (nil: all).
    public let fields: Set<String>?
    /// The size of the whole input, when known (a file's size): once 1,000
    /// rows are read the columns are sized for the rows the input probably
    /// holds, so they do not grow by copying. Only a hint.
    public var expectedBytes: Int?
    private var sized = false

    private var csv: CSVParser
    private var json = JSONLinesParser()
    /// The first bytes, held until the encoding is checked and a BOM skipped.
    private var prefix: [UInt8] = []
    /// Set when the schema declares an encoding other than UTF-8.
    private var transcoder: PopulationTranscoder?
    /// The UTF-8 form of the chunk being fed, reused.
    private var converted: [UInt8] = []
    private var fedBytes = 0
    private var startSeen = false
    private var fatal: OutreachError?

    private var population: Population?
    private var columns: [String] = []
    private var types: [FieldType] = []
    private var idColumn = 0
    /// Per position of the population's fields, the column it is read from
    /// (-1: a schema field absent from the file, always missing).
    private var sources: [Int] = []
    /// Per row, reused: where each column's raw bytes are.
    private var fieldRanges: [Range<Int>?] = []
    private var fieldNested: [Bool] = []
    private var report: ImportReport
    /// Every id imported so far, when the population does not keep them
    /// as text (otherwise the id column's own dictionary finds repeats).
    private var ids = IDIndex()
    /// Position of the id column in the population when it is kept as text.
    private var idPosition: Int?
    /// The id of the current row as UTF-8, when it is not the file's bytes.
    private var idScratch: [UInt8] = []
    /// JSON Lines: column of each key, and the key bytes for the quick
    /// positional match.
    private var keyColumns: [String: Int] = [:]
    private var keyBytes: [[UInt8]] = []

    public init(schema: PopulationSchema, format: PopulationFormat, fileName: String?, fields: Set<String>? = nil) {
        self.schema = schema
        self.format = format
        self.fileName = fileName
        self.fields = fields
        self.report = ImportReport(file: fileName)
        self.csv = CSVParser(delimiter: schema.delimiter)
        if schema.encoding != .utf8 { transcoder = PopulationTranscoder(encoding: schema.encoding, fileName: fileName) }
    }

    /// How much of the start of a file is held back and looked at to check
    /// its encoding before anything is imported.
    public static let encodingSampleSize = EncodingGuess.sampleSize

    /// The columns, once the header (CSV) or the first valid object (JSON
    /// Lines) has been read; `validate` reads no further.
    public var columnNames: [String]? { population == nil ? nil : columns }

    /// Feeds the next chunk of the file.
    public mutating func consume(_ bytes: UnsafeRawBufferPointer) throws(OutreachError) {
        if let fatal { throw fatal }
        let buffer = bytes.assumingMemoryBound(to: UInt8.self)
        fedBytes += buffer.count
        if !startSeen {
            prefix.append(contentsOf: buffer)
            if prefix.count >= EncodingGuess.sampleSize { try feedPrefix(complete: false) }
            return
        }
        try feedConverting(buffer)
        if !sized, let expectedBytes { reserve(expectedBytes: expectedBytes) }
    }

    /// Sizes the columns from the rows read out of the bytes fed so far,
    /// with a tenth to spare.
    private mutating func reserve(expectedBytes: Int) {
        guard report.rowsRead >= 1_000, population != nil else { return }
        sized = true
        let bytesPerRow = Swift.max(2, fedBytes / (report.rowsRead + 1))
        let rows = Swift.min(expectedBytes / bytesPerRow * 11 / 10 + 1_000, expectedBytes / 2, Int(Int32.max))
        guard rows > report.rowsRead * 2 else { return }
        population!.reserveCapacity(rows, distinct: idPosition)
        if idPosition == nil { ids.reserveCapacity(rows) }
    }

    /// Ends the input and hands over the population and the report.
    public mutating func finish() throws(OutreachError) -> (Population, ImportReport) {
        if let fatal { throw fatal }
        if !startSeen { try feedPrefix(complete: true) }
        do { try transcoder?.finish() } catch { try fail(error) }
        switch format {
        case .csv:
            var parser = CSVParser()
            swap(&parser, &csv)
            if parser.finish() { try handleCSVRecord(parser) }
        case .jsonLines:
            var parser = JSONLinesParser()
            swap(&parser, &json)
            if parser.finish() { handleJSONLine(&parser) }
        }
        if let fatal { throw fatal }
        guard let population else {
            if format == .csv || report.rowsRead == 0 {
                throw OutreachError(.invalidValue, format == .csv ? "the file is empty: expected a header row" : "the file has no records",
                                    at: SourceLocation(file: fileName, line: 1, column: 1),
                                    hint: format == .csv ? "the first line must name the columns, including the id column \"\(schema.idField)\"" : nil)
            }
            var names = [schema.idField]
            names += schema.fields.keys.sorted().filter { $0 != schema.idField }
            return (Population(schema: schema, fieldNames: names, keeping: fields), report)
        }
        return (population, report)
    }

    // MARK: Feeding

    private mutating func feedPrefix(complete: Bool) throws(OutreachError) {
        startSeen = true
        var start: [UInt8] = []
        swap(&start, &prefix)
        let problem = start.withUnsafeBufferPointer {
            EncodingGuess.problem(in: $0, complete: complete, declared: schema.encoding, fileName: fileName)
        }
        if let problem { try fail(problem) }
        if transcoder == nil, start.count >= 3, start[0] == 0xEF, start[1] == 0xBB, start[2] == 0xBF { start.removeFirst(3) }
        try start.withUnsafeBufferPointer { (b) throws(OutreachError) in try feedConverting(b) }
    }

    /// Feeds a chunk of the file, converted to UTF-8 first when it is in
    /// another encoding (UTF-8 goes straight through).
    private mutating func feedConverting(_ buffer: UnsafeBufferPointer<UInt8>) throws(OutreachError) {
        guard var transcoder else { return try feed(buffer) }
        defer { self.transcoder = transcoder }
        var out: [UInt8] = []
        swap(&out, &converted)
        defer { out.removeAll(keepingCapacity: true); swap(&out, &converted) }
        do { try transcoder.convert(buffer, into: &out) } catch { try fail(error) }
        try out.withUnsafeBufferPointer { (b) throws(OutreachError) in try feed(b) }
    }

    private mutating func feed(_ buffer: UnsafeBufferPointer<UInt8>) throws(OutreachError) {
        var offset = 0
        switch format {
        case .csv:
            var parser = CSVParser()
            swap(&parser, &csv)
            defer { swap(&parser, &csv) }
            while parser.next(in: buffer, offset: &offset) {
                try handleCSVRecord(parser)
                parser.clearRecord()
            }
            if parser.isOversized {
                try fail(OutreachError(.invalidValue, "the record starting on line \(parser.recordLine) is longer than \(CSVParser.maxRecordBytes >> 20) MiB",
                                       at: SourceLocation(file: fileName, line: parser.quoteLine, column: 1),
                                       hint: parser.isInsideQuotes
                                           ? "the quote opened on line \(parser.quoteLine) is probably not closed: look for an odd number of \" on that line"
                                           : "is the file a population export? Its lines should be records of a few hundred bytes"))
            }
        case .jsonLines:
            var parser = JSONLinesParser()
            swap(&parser, &json)
            defer { swap(&parser, &json) }
            while parser.next(in: buffer, offset: &offset) {
                handleJSONLine(&parser)
            }
            if parser.isOversized {
                try fail(OutreachError(.invalidValue, "line \(parser.currentLineNumber) is longer than \(CSVParser.maxRecordBytes >> 20) MiB",
                                       at: SourceLocation(file: fileName, line: parser.currentLineNumber, column: 1),
                                       hint: "each line must hold one JSON object"))
            }
        }
    }

    private mutating func fail(_ error: OutreachError) throws(OutreachError) -> Never {
        fatal = error
        throw error
    }

    // MARK: CSV

    private mutating func handleCSVRecord(_ record: CSVParser) throws(OutreachError) {
        guard population != nil else { return try takeHeader(record) }
        report.rowsRead += 1
        let line = record.recordLine
        if record.unterminatedQuote {
            return rejectSwallowed(record, .unterminatedQuote, detail: "is never closed")
        }
        if record.fieldCount != columns.count || record.malformedQuotes {
            // Text right after a closing quote, in a record over several
            // lines: a quote opened where it should not have been and a
            // later field's opening quote closed it. (A well-closed
            // multi-line field in a record with a column too many is just
            // that record's problem.)
            if record.malformedQuotes && record.nonBlankLines > 1 {
                return rejectSwallowed(record, .runawayQuote, detail: "closes on a later line")
            }
            if record.fieldCount != columns.count {
                return report.rejectRow(.wrongColumnCount, line: line, detail: "expected \(columns.count) columns, found \(record.fieldCount)")
            }
            return report.rejectRow(.malformedQuotes, line: line, detail: "text follows a closing quote; quotes inside a quoted field are written \"\"")
        }
        for k in 0..<columns.count {
            fieldRanges[k] = record.fieldRange(k)
        }
        record.bytes.withUnsafeBufferPointer { importRow(from: $0, line: line) }
    }

    /// Rejects a record a quote left open: each non-blank line it took in
    /// was a record of its own, so each is counted as a row read and lost.
    private mutating func rejectSwallowed(_ record: CSVParser, _ reason: RowRejection.Reason, detail: String) {
        let lost = record.nonBlankLines
        let last = record.lastLine
        report.rowsRead += lost - 1
        let lines = last > record.recordLine ? "lines \(record.recordLine)–\(last)" : "line \(last)"
        report.rejectRow(reason, line: record.quoteLine, count: lost,
                         detail: "the quote opened on line \(record.quoteLine) \(detail): \(lost) record\(lost == 1 ? "" : "s") lost (\(lines))")
    }

    private mutating func takeHeader(_ record: CSVParser) throws(OutreachError) {
        let at = SourceLocation(file: fileName, line: record.recordLine, column: 1)
        var names: [String] = []
        var problems: [TextProblem?] = []
        for k in 0..<record.fieldCount {
            record.bytes.withUnsafeBufferPointer {
                let bytes = FieldBytes.trimmed(UnsafeBufferPointer(rebasing: $0[record.fieldRange(k)]))
                names.append(String(decoding: bytes, as: UTF8.self))
                problems.append(TextProblem.first(in: bytes))
            }
        }
        if record.unterminatedQuote {
            try fail(OutreachError(.syntax, "the header has a quote that is never closed", at: at))
        }
        guard let id = names.firstIndex(of: schema.idField) else {
            try fail(missingIDColumn(names, at: at))
        }
        var seen: [String: Int] = [:]
        for (k, name) in names.enumerated() {
            if let problem = problems[k] {
                try fail(OutreachError(.invalidValue, "column \(k + 1) of the header is not valid text: \(problem)", at: at,
                                       hint: "column names are plain text; check the file's encoding and the header row"))
            }
            if name.isEmpty {
                try fail(OutreachError(.invalidValue, "column \(k + 1) of the header has no name", at: at,
                                       hint: "every column needs a name; remove trailing \(schema.delimiter == .tab ? "tabs" : "delimiters") from the header"))
            }
            if let first = seen[name] {
                try fail(OutreachError(.invalidValue, "the header names column \"\(TerminalText.escaped(name))\" twice (columns \(first + 1) and \(k + 1))", at: at))
            }
            seen[name] = k
        }
        setColumns(names, id: id)
    }

    /// Why the header has no id column, as far as can be told without
    /// printing a population value: another delimiter, a first line that is
    /// a record rather than a header, or a column named otherwise.
    private func missingIDColumn(_ names: [String], at: SourceLocation) -> OutreachError {
        let message = "the header has no id column \"\(schema.idField)\""
        // The header as written, give or take quotes, split on each delimiter.
        let line = names.joined(separator: String(UnicodeScalar(schema.delimiter.rawValue)))
        var best: (delimiter: CSVDelimiter, columns: Int)?
        for d in CSVDelimiter.allCases where d != schema.delimiter {
            let columns = line.utf8.reduce(1) { $0 + ($1 == d.rawValue ? 1 : 0) }
            if columns > max(names.count, best?.columns ?? 1) { best = (d, columns) }
        }
        if let best {
            return OutreachError(.unknownField, message + "; the header splits better on \(best.delimiter) (\(best.columns) columns) than on \(schema.delimiter) (\(names.count))",
                                 at: at, hint: "set `\(best.delimiter.schemaSpelling)` in the schema")
        }
        // A record where the header should be: its values are personal
        // data, so say which column gives it away, not what it holds.
        for (k, name) in names.enumerated() {
            var raw = name
            let kind = raw.withUTF8 { b -> String? in
                if FieldBytes.trimmed(b).isEmpty { return nil }
                if case .value = FieldParser.parse(utf8: b, as: .email) { return "an email address" }
                if case .value = FieldParser.parse(utf8: b, as: .phone) { return "a phone number" }
                if case .value = FieldParser.parse(utf8: b, as: .date) { return "a date" }
                if case .value = FieldParser.parse(utf8: b, as: .decimal) { return "a number" }
                return nil
            }
            if let kind {
                return OutreachError(.unknownField, message + "; line \(at.line) looks like a record, not a header (column \(k + 1) holds \(kind))",
                                     at: at, hint: "the first line must name the columns, including the id column \"\(schema.idField)\"")
            }
        }
        var hint = "the header has: \(names.map(TerminalText.escaped).joined(separator: ", ")); set `id:` in the schema to one of them"
        if let close = NameSuggestion.closest(to: schema.idField, in: names) { hint = "did you mean \"\(TerminalText.escaped(close))\"? " + hint }
        return OutreachError(.unknownField, message, at: at, hint: hint)
    }

    private mutating func setColumns(_ names: [String], id: Int) {
        let population = Population(schema: schema, fieldNames: names, keeping: fields)
        columns = format == .csv ? names : Population(schema: schema, fieldNames: names).fieldNames
        types = columns.map { schema.type(of: $0) }
        idColumn = id
        var columnOf: [String: Int] = [:]
        for (k, name) in columns.enumerated() where columnOf[name] == nil { columnOf[name] = k }
        sources = population.fieldNames.map { columnOf[$0] ?? -1 }
        idPosition = types[id].isTextLike ? population.fieldNames.firstIndex(of: columns[id]) : nil
        fieldRanges = Array(repeating: nil, count: columns.count)
        fieldNested = Array(repeating: false, count: columns.count)
        self.population = population
    }

    // MARK: JSON Lines

    private mutating func handleJSONLine(_ parser: inout JSONLinesParser) {
        report.rowsRead += 1
        let line = parser.lineNumber
        if let problem = parser.parseLine() {
            return report.rejectRow(.invalidJSON, line: line, detail: "invalid JSON: \(problem)")
        }
        let scratch = parser.scratch
        let entries = parser.entries
        scratch.withUnsafeBufferPointer { b in
            if population == nil {
                var names: [String] = []
                var seen = Set<String>()
                for e in entries {
                    let key = String(decoding: UnsafeBufferPointer(rebasing: b[e.key]), as: UTF8.self)
                    if seen.insert(key).inserted { names.append(key) }
                }
                if !seen.contains(schema.idField) { names.insert(schema.idField, at: 0) }
                setColumns(names, id: names.firstIndex(of: schema.idField) ?? 0)
                for (k, name) in columns.enumerated() { keyColumns[name] = k }
                keyBytes = columns.map { Array($0.utf8) }
            }
            for k in 0..<columns.count {
                fieldRanges[k] = nil
                fieldNested[k] = false
            }
            for (position, e) in entries.enumerated() {
                let key = UnsafeBufferPointer(rebasing: b[e.key])
                let column: Int
                if position < keyBytes.count, keyBytes[position].elementsEqual(key) {
                    column = position
                } else if let k = keyColumns[String(decoding: key, as: UTF8.self)] {
                    column = k
                } else {
                    report.rejectValue(field: String(decoding: key, as: UTF8.self), type: .text, line: line,
                                       raw: TextProblem.display(UnsafeBufferPointer(rebasing: b[e.value])))
                    continue
                }
                if e.kind == .null { continue }
                fieldRanges[column] = e.value
                fieldNested[column] = e.kind == .nested
            }
            importRow(from: b, line: line)
        }
        for k in 0..<fieldNested.count { fieldNested[k] = false }
    }

    // MARK: Rows

    /// Imports the row whose raw values are `fieldRanges` of `buffer`, or
    /// rejects it for its id.
    private mutating func importRow(from buffer: UnsafeBufferPointer<UInt8>, line: Int) {
        func raw(_ k: Int) -> UnsafeBufferPointer<UInt8> {
            fieldRanges[k].map { UnsafeBufferPointer(rebasing: buffer[$0]) } ?? UnsafeBufferPointer(start: nil, count: 0)
        }
        // The id: its canonical text (what `Value.description` gives) is
        // what duplicates are found by.
        let idType = types[idColumn]
        let idRaw = FieldBytes.trimmed(raw(idColumn))
        var idValue: Value?
        if idRaw.isEmpty, !fieldNested[idColumn] {
            return report.rejectRow(.missingID, line: line, detail: "the id \"\(schema.idField)\" is blank")
        }
        if let problem = TextProblem.first(in: idRaw) {
            return report.rejectRow(.invalidID, line: line, detail: "the id \"\(TextProblem.display(idRaw))\" is not valid text: \(problem)")
        }
        let textID = idType == .text && !fieldNested[idColumn] && FieldBytes.isASCII(idRaw)
        if !textID {
            let result = fieldNested[idColumn] ? .rejected : FieldParser.parse(utf8: idRaw, as: idType)
            guard case .value(let v) = result else {
                return report.rejectRow(.invalidID, line: line,
                                        detail: "\"\(TextProblem.display(raw(idColumn)))\" is not a valid \(idType)")
            }
            idValue = v
            idScratch.removeAll(keepingCapacity: true)
            idScratch.append(contentsOf: v.description.utf8)
        }
        var population = self.population.take()!
        defer { self.population = population }
        let isNew: Bool
        if let idPosition {
            // Appended now when new; the row below skips the id column.
            isNew = textID ? population.appendTextIfNew(at: idPosition, utf8: idRaw)
                           : idScratch.withUnsafeBufferPointer { population.appendTextIfNew(at: idPosition, utf8: $0) }
        } else {
            isNew = textID ? ids.insert(idRaw) : idScratch.withUnsafeBufferPointer { ids.insert($0) }
        }
        if !isNew {
            let idText = idValue?.description ?? String(decoding: idRaw, as: UTF8.self)
            return report.rejectRow(.duplicateID, line: line, detail: "id \(idText) was already imported")
        }
        let idColumn = self.idColumn
        population.appendRow(skipping: idPosition) { position, column in
            let k = sources[position]
            if k < 0 || fieldRanges[k] == nil { return column.append(nil) }
            if k == idColumn {
                if let idValue { return column.append(idValue) }
                return column.appendText(utf8: idRaw)
            }
            let bytes = raw(k)
            if types[k] == .text, !fieldNested[k] {
                let trimmed = FieldBytes.trimmed(bytes)
                if trimmed.isEmpty { return column.append(nil) }
                if !column.appendCheckedText(utf8: trimmed) {
                    report.rejectValue(field: columns[k], type: types[k], line: line, raw: TextProblem.display(trimmed),
                                       problem: TextProblem.first(in: trimmed))
                }
                return
            }
            var result = fieldNested[k] ? .rejected : FieldParser.parse(utf8: bytes, as: types[k])
            // Typed values are parsed strictly, but an email keeps its
            // local part as written.
            var problem: TextProblem?
            if types[k] == .email, case .value = result, let found = TextProblem.first(in: bytes) {
                problem = found
                result = .rejected
            }
            switch result {
            case .value(let v):
                column.append(v)
            case .missing:
                column.append(nil)
            case .rejected:
                column.append(nil)
                if problem == nil, !fieldNested[k] { problem = TextProblem.first(in: bytes) }
                report.rejectValue(field: columns[k], type: types[k], line: line, raw: TextProblem.display(bytes), problem: problem)
            }
        }
        report.rowsImported += 1
    }
}
