/// A population held column by column, typed, for fast segmentation.
///
/// Each field is one `Column`; a row is an index. Low-cardinality text
/// (city, nationality) is dictionary-encoded so a rule evaluates a text
/// predicate once per distinct value, not once per record. Missing values
/// use a sentinel per type (see `Column`).
public struct Population: Sendable {
    /// Field names in file order (the id field included).
    public private(set) var fieldNames: [String]
    public private(set) var fieldTypes: [String: FieldType]
    public let idField: String
    /// Columns in `fieldNames` order; `fieldIndex` maps a name to its position.
    private var storage: [Column]
    private var fieldIndex: [String: Int]
    public private(set) var count: Int

    /// `keeping`, when given, limits the fields to those names (an import
    /// of only the columns some work reads; see `PopulationImporter`).
    public init(schema: PopulationSchema, fieldNames: [String], keeping: Set<String>? = nil) {
        self.idField = schema.idField
        var names: [String] = []
        var types: [String: FieldType] = [:]
        for name in fieldNames where types[name] == nil && keeping?.contains(name) ?? true {
            types[name] = schema.type(of: name)
            names.append(name)
        }
        // Schema fields absent from the file still exist (all missing), so
        // rules naming them compile and see missing values.
        for (name, type) in schema.fields.sorted(by: { $0.key < $1.key })
        where types[name] == nil && keeping?.contains(name) ?? true {
            types[name] = type
            names.append(name)
        }
        self.fieldNames = names
        self.fieldTypes = types
        self.storage = names.map { Column.empty(for: types[$0]!) }
        self.fieldIndex = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        self.count = 0
    }

    /// Assembles a population from finished columns (the snapshot reader).
    /// Every column must hold `count` rows, in `fieldNames` order.
    init(idField: String, fieldNames: [String], fieldTypes: [String: FieldType], columns: [Column], count: Int) {
        self.idField = idField
        self.fieldNames = fieldNames
        self.fieldTypes = fieldTypes
        self.storage = columns
        self.fieldIndex = Dictionary(uniqueKeysWithValues: fieldNames.enumerated().map { ($1, $0) })
        self.count = count
    }

    public func type(of field: String) -> FieldType? { fieldTypes[field] }

    public func column(_ field: String) -> Column? {
        fieldIndex[field].map { storage[$0] }
    }

    /// All columns by name (a copy-on-write view; prefer `column(_:)`).
    public var columns: [String: Column] {
        Dictionary(uniqueKeysWithValues: fieldNames.enumerated().map { ($1, storage[$0]) })
    }

    /// Appends one row. `values[name]` absent or nil means missing.
    public mutating func append(_ values: [String: Value]) {
        for (i, name) in fieldNames.enumerated() {
            storage[i].append(values[name])
        }
        count += 1
    }

    /// Appends one row given values in `fieldNames` order (the importers'
    /// path: no lookups by name). Fields past `values.count` are missing.
    public mutating func append(ordered values: [Value?]) {
        precondition(values.count <= storage.count)
        for i in storage.indices {
            storage[i].append(i < values.count ? values[i] : nil)
        }
        count += 1
    }

    /// Appends one row column by column: `fill(position, &column)` must
    /// append exactly one value to each column but `skipping`, which holds
    /// the row's value already (the importers' path, which writes parsed
    /// bytes straight into the columns).
    mutating func appendRow(skipping: Int? = nil, _ fill: (Int, inout Column) -> Void) {
        for i in storage.indices where i != skipping {
            fill(i, &storage[i])
        }
        count += 1
    }

    /// Room for `rows` rows in every column; the text column at `distinct`
    /// (the id) also for that many distinct values.
    mutating func reserveCapacity(_ rows: Int, distinct: Int?) {
        for i in storage.indices {
            storage[i].reserveCapacity(rows, distinct: i == distinct)
        }
    }

    /// Appends a text value to the text column at `position` for the row
    /// about to be appended, unless the column holds it already (then
    /// nothing changes and the result is false). The importer finds
    /// repeated ids this way when it keeps the id column.
    mutating func appendTextIfNew(at position: Int, utf8 bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        storage[position].appendTextIfNew(utf8: bytes)
    }

    public func value(row: Int, field: String) -> Value? {
        guard let i = fieldIndex[field] else { return nil }
        return storage[i].value(at: row)
    }

    /// The id of a row as text.
    public func id(row: Int) -> String {
        value(row: row, field: idField)?.description ?? ""
    }

    /// Row index for an id (linear scan; for `--recipient ID` lookups).
    public func row(forID id: String) -> Int? {
        guard let column = column(idField) else { return nil }
        for row in 0..<count where column.value(at: row)?.description == id { return row }
        return nil
    }

    /// A view of one row, for rendering and display.
    public func record(_ row: Int) -> PopulationRecord { PopulationRecord(population: self, row: row) }
}

/// One record of a population, read field by field.
public struct PopulationRecord: Sendable, RecordData {
    public let population: Population
    public let row: Int

    public func value(_ field: String) -> Value? { population.value(row: row, field: field) }
    public var id: String { population.id(row: row) }
    public var recordID: String? { id }
}

/// Anything that can answer "what is this person's FIELD": a population
/// row, or the JSON given to `outreach render --data`.
public protocol RecordData: Sendable {
    func value(_ field: String) -> Value?
    /// The person's population id, when the record has one (variants and holdouts are drawn from it).
    var recordID: String? { get }
}

extension RecordData {
    public var recordID: String? { nil }
}

/// A record given as a plain dictionary (tests, `--data`).
public struct DictionaryRecord: RecordData {
    public var values: [String: Value]
    public init(_ values: [String: Value]) { self.values = values }
    public func value(_ field: String) -> Value? { values[field] }
}
