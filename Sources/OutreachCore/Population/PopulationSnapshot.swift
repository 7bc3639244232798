import Foundation

/// Outreach's own columnar file for an imported population: the warm path
/// an officer re-counting audiences lives in.
///
/// The CSV is parsed, typed and checked once (`outreach snapshot`); the
/// snapshot then holds each column exactly as `Population` keeps it in
/// memory — `Int64` numbers, `Int32` days (Hijri dates already converted),
/// one byte per bool and gender, and text dictionary-encoded (`UInt32`
/// codes plus each distinct value once, phones already E.164). Reading is a
/// bounds-checked `memcpy` per column from a mapped file, with no work and
/// no allocation per row; only the distinct text values become `String`s.
///
/// Layout (little-endian): the 8-byte magic `OUTSNAP1`, the header length
/// as a `UInt64`, a JSON `Header`, then one section per column, each at an
/// offset that is a multiple of 64. A text column is its codes, then
/// `dictionaryCount + 1` `UInt64` end offsets, then the UTF-8 bytes of the
/// dictionary (entry 0, missing, is empty).
///
/// The core does no I/O: `write` hands byte runs to a sink, `read` takes the
/// whole file's bytes (the reader maps it).
public enum PopulationSnapshot {
    public static let magic: [UInt8] = Array("OUTSNAP1".utf8)
    public static let version = 1
    static let alignment = 64

    /// What the JSON header says about the file.
    public struct Header: Codable, Sendable, Equatable {
        public var version: Int
        public var rows: Int
        public var idField: String
        public var fields: [Field]

        /// Where one field's column lies in the file, and its type.
        public struct Field: Codable, Sendable, Equatable {
            public var name: String
            /// The declared type (`hijri_date` stays `hijri_date`, so rules
            /// read Hijri literals for it).
            public var type: FieldType
            /// Start of the column's section, from the start of the file.
            public var offset: Int
            /// Text only: distinct values including the missing entry 0, and
            /// the byte length of their UTF-8.
            public var dictionaryCount: Int?
            public var dictionaryBytes: Int?
        }
    }

    // MARK: Writing

    /// Writes `population` as a snapshot, a run of bytes at a time.
    public static func write(_ population: Population,
                             to sink: (UnsafeRawBufferPointer) throws(OutreachError) -> Void) throws(OutreachError) {
        let rows = population.count
        // First pass: where every section goes.
        var fields: [Header.Field] = []
        var sizes: [Int] = []
        var dictionaries: [[String]] = []
        for name in population.fieldNames {
            guard let column = population.column(name), let type = population.type(of: name) else { continue }
            var field = Header.Field(name: name, type: type, offset: 0)
            var dictionary: [String] = []
            if case .text(let text) = column {
                dictionary = text.dictionary
                field.dictionaryCount = dictionary.count
                field.dictionaryBytes = dictionary.reduce(0) { $0 + $1.utf8.count }
            }
            fields.append(field)
            sizes.append(sectionSize(field, rows: rows))
            dictionaries.append(dictionary)
        }
        // The header's length depends on the offsets written in it: fix the
        // offsets against a generous header size, then pad up to it.
        var header = Header(version: version, rows: rows, idField: population.idField, fields: fields)
        var headerBytes = try encode(header)
        var start = 0
        for _ in 0..<3 {
            start = align(16 + headerBytes.count + 64)
            var offset = start
            for i in header.fields.indices {
                header.fields[i].offset = offset
                offset = align(offset + sizes[i])
            }
            headerBytes = try encode(header)
            if 16 + headerBytes.count <= start { break }
        }
        guard 16 + headerBytes.count <= start else {
            throw OutreachError(.invalidValue, "the snapshot header does not fit its reserved space")
        }

        // The first failure of the sink stops the writing (checked at the end).
        var written = 0
        var failure: OutreachError?
        func emit(_ bytes: UnsafeRawBufferPointer) {
            guard failure == nil else { return }
            do throws(OutreachError) { try sink(bytes) } catch { failure = error }
            written += bytes.count
        }
        func pad(to offset: Int) {
            let zeros = [UInt8](repeating: 0, count: offset - written)
            zeros.withUnsafeBytes { emit($0) }
        }
        var lead = magic
        withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { lead.append(contentsOf: $0) }
        lead += headerBytes
        lead.withUnsafeBytes { emit($0) }

        for (i, field) in header.fields.enumerated() {
            pad(to: field.offset)
            switch population.column(field.name)! {
            case .text(let text):
                text.codes.withUnsafeBytes { emit($0) }
                var ends: [UInt64] = [0]
                ends.reserveCapacity(dictionaries[i].count)
                var end: UInt64 = 0
                for value in dictionaries[i].dropFirst() {
                    end += UInt64(value.utf8.count)
                    ends.append(end)
                }
                ends.withUnsafeBytes { emit($0) }
                var chunk: [UInt8] = []
                chunk.reserveCapacity(1 << 20)
                for value in dictionaries[i].dropFirst() {
                    chunk.append(contentsOf: value.utf8)
                    if chunk.count >= 1 << 20 {
                        chunk.withUnsafeBytes { emit($0) }
                        chunk.removeAll(keepingCapacity: true)
                    }
                }
                chunk.withUnsafeBytes { emit($0) }
            case .int(let a): a.withUnsafeBytes { emit($0) }
            case .decimal(let a): a.withUnsafeBytes { emit($0) }
            case .bool(let a), .gender(let a): a.withUnsafeBytes { emit($0) }
            case .date(let a): a.withUnsafeBytes { emit($0) }
            }
            if let failure { throw failure }
        }
        if let failure { throw failure }
    }

    private static func encode(_ header: Header) throws(OutreachError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do { return Array(try encoder.encode(header)) } catch {
            throw OutreachError(.invalidValue, "cannot encode the snapshot header: \(error)")
        }
    }

    static func align(_ n: Int) -> Int { (n + alignment - 1) / alignment * alignment }

    /// Bytes of a column's section (text: codes, ends, dictionary bytes).
    static func sectionSize(_ field: Header.Field, rows: Int) -> Int {
        switch field.type.storage {
        case .text, .phone, .email:
            return rows * 4 + ((field.dictionaryCount ?? 1)) * 8 + (field.dictionaryBytes ?? 0)
        case .int, .decimal: return rows * 8
        case .date, .hijriDate: return rows * 4
        case .bool, .gender: return rows
        }
    }

    // MARK: Reading

    /// Bytes of the magic and the header-length field that start a file.
    public static let prefixLength = 16

    /// The header's byte length, from the first `prefixLength` bytes.
    public static func headerLength(_ prefix: UnsafeRawBufferPointer, file: String?) throws(OutreachError) -> Int {
        guard prefix.count >= prefixLength, prefix.prefix(8).elementsEqual(magic) else {
            throw damaged(file, "it does not start with OUTSNAP1")
        }
        let length = UInt64(littleEndian: prefix.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        guard length > 0, length < 1 << 30 else { throw damaged(file, "the header length is \(length)") }
        return Int(length)
    }

    static func damaged(_ file: String?, _ what: String) -> OutreachError {
        OutreachError(.invalidValue, "\(file ?? "the snapshot") is not a readable Outreach snapshot: \(what)",
                      at: file.map { SourceLocation(file: $0, line: 1, column: 1) },
                      hint: "make it again with `outreach snapshot`")
    }

    /// Reads and checks the header of a whole file given as bytes.
    public static func header(_ bytes: UnsafeRawBufferPointer, file: String?) throws(OutreachError) -> Header {
        let length = try headerLength(bytes, file: file)
        guard length <= bytes.count - prefixLength else { throw damaged(file, "the header is cut short") }
        return try header(UnsafeRawBufferPointer(rebasing: bytes[prefixLength..<(prefixLength + length)]),
                          fileSize: bytes.count, file: file)
    }

    /// Decodes and checks the JSON header (`json`: the bytes after the
    /// prefix) against the size of the file it came from.
    public static func header(_ json: UnsafeRawBufferPointer, fileSize: Int, file: String?) throws(OutreachError) -> Header {
        func bad(_ what: String) -> OutreachError { damaged(file, what) }
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: Data(json))
        } catch {
            throw bad("the header is not valid (\(error))")
        }
        guard header.version == version else {
            throw bad("it is version \(header.version); this outreach reads version \(version)")
        }
        guard header.rows >= 0, header.rows <= Int(Int32.max) else { throw bad("\(header.rows) rows") }
        var names = Set<String>()
        for field in header.fields {
            guard names.insert(field.name).inserted else { throw bad("field '\(field.name)' appears twice") }
            if field.type.isTextLike {
                guard let n = field.dictionaryCount, n >= 1, n <= header.rows + 1, let b = field.dictionaryBytes, b >= 0,
                      b <= fileSize else {
                    throw bad("the column '\(field.name)' has no dictionary")
                }
            }
            let size = sectionSize(field, rows: header.rows)
            guard field.offset >= prefixLength + json.count, field.offset % alignment == 0, field.offset <= fileSize,
                  size <= fileSize - field.offset else {
                throw bad("the column '\(field.name)' lies outside the file (is it truncated?)")
            }
        }
        guard names.contains(header.idField) else { throw bad("the id field '\(header.idField)' has no column") }
        return header
    }

    /// Decodes the population in `bytes` (the whole file). `fields`, when
    /// given, loads only those columns — what counting audiences needs, and
    /// it skips building a `String` per id, phone and e-mail; names the
    /// snapshot lacks are ignored. Without `fields` everything is loaded.
    public static func read(_ bytes: UnsafeRawBufferPointer, fields wanted: Set<String>? = nil,
                            file: String?) throws(OutreachError) -> Population {
        let header = try header(bytes, file: file)
        return try read(header, fields: wanted, file: file) { offset, destination in
            destination.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + destination.count)]))
        }
    }

    /// Decodes the population described by a checked `header`; `load(offset,
    /// destination)` fills `destination` with the file's bytes at `offset`
    /// (the reader uses `pread` straight into each column's storage); it is
    /// called from several threads at once for disjoint parts of a large
    /// column.
    public static func read(_ header: Header, fields wanted: Set<String>? = nil, file: String?,
                            load: (Int, UnsafeMutableRawBufferPointer) throws(OutreachError) -> Void) throws(OutreachError) -> Population {
        func bad(_ what: String) -> OutreachError {
            OutreachError(.invalidValue, "\(file ?? "the snapshot") is damaged: \(what)",
                          hint: "make it again with `outreach snapshot`")
        }
        let rows = header.rows
        var names: [String] = []
        var types: [String: FieldType] = [:]
        var columns: [Column] = []
        for field in header.fields where wanted?.contains(field.name) ?? true {
            let base = field.offset
            let column: Column
            switch field.type.storage {
            case .text, .phone, .email:
                let codes: [UInt32] = try array(count: rows, at: base, load)
                let entries = field.dictionaryCount!
                var maxCode: UInt32 = 0
                codes.withUnsafeBufferPointer { p in for c in p where c > maxCode { maxCode = c } }
                guard Int(maxCode) < entries else { throw bad("a code of '\(field.name)' is past its dictionary") }
                let ends: [UInt64] = try array(count: entries, at: base + rows * 4, load)
                let text: [UInt8] = try array(count: field.dictionaryBytes!, at: base + rows * 4 + entries * 8, load)
                var dictionary: [String] = [""]
                dictionary.reserveCapacity(entries)
                var failed = false
                text.withUnsafeBufferPointer { blob in
                    var previous = 0
                    for k in 1..<Swift.max(1, entries) {
                        let end = Int(UInt64(littleEndian: ends[k]))
                        guard end >= previous, end <= blob.count else {
                            failed = true
                            return
                        }
                        dictionary.append(String(decoding: UnsafeBufferPointer(rebasing: blob[previous..<end]), as: UTF8.self))
                        previous = end
                    }
                }
                if failed { throw bad("the dictionary of '\(field.name)' is out of order") }
                column = .text(TextColumn(codes: codes, dictionary: dictionary))
            case .int:
                column = .int(try array(count: rows, at: base, load))
            case .decimal:
                column = .decimal(try array(count: rows, at: base, load))
            case .date, .hijriDate:
                column = .date(try array(count: rows, at: base, load))
            case .bool, .gender:
                let values: [UInt8] = try array(count: rows, at: base, load)
                let valid = values.withUnsafeBufferPointer { p in p.allSatisfy { $0 <= 1 || $0 == Column.missingByte } }
                guard valid else { throw bad("the column '\(field.name)' holds a value that is not yes/no or a gender") }
                column = field.type == .gender ? .gender(values) : .bool(values)
            }
            names.append(field.name)
            types[field.name] = field.type
            columns.append(column)
        }
        return Population(idField: header.idField, fieldNames: names, fieldTypes: types, columns: columns, count: rows)
    }

    /// `count` values of `T` loaded from `offset`, straight into the array;
    /// a large column in pieces of at least `minimumPiece` bytes on all
    /// cores at once (the copy and the page faults of fresh memory are most
    /// of a warm count's time).
    private static func array<T>(count: Int, at offset: Int,
                                 _ load: (Int, UnsafeMutableRawBufferPointer) throws(OutreachError) -> Void) throws(OutreachError) -> [T] {
        var failure: OutreachError?
        let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            let bytes = UnsafeMutableRawBufferPointer(buffer)
            let cores = Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)
            let pieces = Swift.max(1, Swift.min(cores, bytes.count / minimumPiece))
            var failures = [OutreachError?](repeating: nil, count: pieces)
            failures.withUnsafeMutableBufferPointer { failed in
                let shared = Unchecked((failed, bytes))
                RowRanges.perform(pieces) { k in
                    let (failed, bytes) = shared.value
                    // Piece boundaries on 4 KiB, so no page is shared.
                    let start = k == 0 ? 0 : (bytes.count * k / pieces) & ~4095
                    let end = k == pieces - 1 ? bytes.count : (bytes.count * (k + 1) / pieces) & ~4095
                    guard end > start else { return }
                    do throws(OutreachError) {
                        try load(offset + start, UnsafeMutableRawBufferPointer(rebasing: bytes[start..<end]))
                    } catch {
                        failed[k] = error
                    }
                }
            }
            failure = failures.lazy.compactMap { $0 }.first
            initialized = failure == nil ? count : 0
        }
        if let failure { throw failure }
        return values
    }

    static let minimumPiece = 4 << 20
}
