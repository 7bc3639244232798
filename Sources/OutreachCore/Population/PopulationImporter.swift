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
/// Only fatal problems throw: an empty file, a CSV header that lacks the id
/// column, repeats a name or has an empty name, and a record or line longer
/// than 8 MiB (a quote never closed would otherwise swallow the rest of the
/// file into memory). Everything else lands in the `ImportReport`.
public struct PopulationImporter: Sendable {
    public let schema: PopulationSchema
    public let format: PopulationFormat
    public let fileName: String?
    /// The columns kept (nil: all).
    public let fields: Set<String>?

    private var csv = CSVParser()
    private var json = JSONLinesParser()
    /// The first bytes, held until it is known whether they are a BOM.
    private var prefix: [UInt8] = []
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
    }

    /// Feeds the next chunk of the file.
    public mutating func consume(_ bytes: UnsafeRawBufferPointer) throws(OutreachError) {
        if let fatal { throw fatal }
        let buffer = bytes.assumingMemoryBound(to: UInt8.self)
        if !startSeen {
            prefix.append(contentsOf: buffer)
            if prefix.count >= 3 { try feedPrefix() }
            return
        }
        try feed(buffer)
    }

    /// Ends the input and hands over the population and the report.
    public mutating func finish() throws(OutreachError) -> (Population, ImportReport) {
        if let fatal { throw fatal }
        if !startSeen { try feedPrefix() }
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

    private mutating func feedPrefix() throws(OutreachError) {
        startSeen = true
        var start: [UInt8] = []
        swap(&start, &prefix)
        if start.count >= 3, start[0] == 0xEF, start[1] == 0xBB, start[2] == 0xBF { start.removeFirst(3) }
        try start.withUnsafeBufferPointer { (b) throws(OutreachError) in try feed(b) }
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
                                       at: SourceLocation(file: fileName, line: parser.recordLine, column: 1),
                                       hint: "a quoted field is probably not closed: look for an odd number of \" on that line"))
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
            return report.rejectRow(.unterminatedQuote, line: line, detail: "the quote opened in this record is never closed")
        }
        if record.fieldCount != columns.count {
            return report.rejectRow(.wrongColumnCount, line: line, detail: "expected \(columns.count) columns, found \(record.fieldCount)")
        }
        if record.malformedQuotes {
            return report.rejectRow(.malformedQuotes, line: line, detail: "text follows a closing quote; quotes inside a quoted field are written \"\"")
        }
        for k in 0..<columns.count {
            fieldRanges[k] = record.fieldRange(k)
        }
        record.bytes.withUnsafeBufferPointer { importRow(from: $0, line: line) }
    }

    private mutating func takeHeader(_ record: CSVParser) throws(OutreachError) {
        let at = SourceLocation(file: fileName, line: record.recordLine, column: 1)
        var names: [String] = []
        var seen: [String: Int] = [:]
        for k in 0..<record.fieldCount {
            let name = record.bytes.withUnsafeBufferPointer {
                String(decoding: FieldBytes.trimmed(UnsafeBufferPointer(rebasing: $0[record.fieldRange(k)])), as: UTF8.self)
            }
            if name.isEmpty {
                try fail(OutreachError(.invalidValue, "column \(k + 1) of the header has no name", at: at,
                                       hint: "every column needs a name; remove trailing commas from the header"))
            }
            if let first = seen[name] {
                try fail(OutreachError(.invalidValue, "the header names column \"\(name)\" twice (columns \(first + 1) and \(k + 1))", at: at))
            }
            seen[name] = k
            names.append(name)
        }
        if record.unterminatedQuote {
            try fail(OutreachError(.syntax, "the header has a quote that is never closed", at: at))
        }
        guard let id = seen[schema.idField] else {
            try fail(OutreachError(.unknownField, "the header has no id column \"\(schema.idField)\"", at: at,
                                   hint: "the header has: \(names.joined(separator: ", ")); set `id:` in the schema to one of them"))
        }
        setColumns(names, id: id)
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
                                       raw: String(decoding: UnsafeBufferPointer(rebasing: b[e.value]), as: UTF8.self))
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
        let textID = idType == .text && !fieldNested[idColumn] && FieldBytes.isASCII(idRaw)
        if !textID {
            let result = fieldNested[idColumn] ? .rejected : FieldParser.parse(utf8: idRaw, as: idType)
            guard case .value(let v) = result else {
                return report.rejectRow(.invalidID, line: line,
                                        detail: "\"\(String(decoding: raw(idColumn), as: UTF8.self))\" is not a valid \(idType)")
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
                return trimmed.isEmpty ? column.append(nil) : column.appendText(utf8: trimmed)
            }
            let result = fieldNested[k] ? .rejected : FieldParser.parse(utf8: bytes, as: types[k])
            switch result {
            case .value(let v):
                column.append(v)
            case .missing:
                column.append(nil)
            case .rejected:
                column.append(nil)
                report.rejectValue(field: columns[k], type: types[k], line: line, raw: String(decoding: bytes, as: UTF8.self))
            }
        }
        report.rowsImported += 1
    }
}
