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
    public private(set) var columns: [String: Column]
    public private(set) var count: Int

    public init(schema: PopulationSchema, fieldNames: [String]) {
        self.idField = schema.idField
        self.fieldNames = fieldNames
        var types: [String: FieldType] = [:]
        var columns: [String: Column] = [:]
        for name in fieldNames {
            let type = schema.type(of: name)
            types[name] = type
            columns[name] = Column.empty(for: type)
        }
        // Schema fields absent from the file still exist (all missing), so
        // rules naming them compile and see missing values.
        for (name, type) in schema.fields where types[name] == nil {
            types[name] = type
            columns[name] = Column.empty(for: type)
            self.fieldNames.append(name)
        }
        self.fieldTypes = types
        self.columns = columns
        self.count = 0
    }

    public func type(of field: String) -> FieldType? { fieldTypes[field] }

    public func column(_ field: String) -> Column? { columns[field] }

    /// Appends one row. `values[name]` absent or nil means missing.
    public mutating func append(_ values: [String: Value]) {
        for name in fieldNames {
            columns[name]!.append(values[name])
        }
        count += 1
    }

    /// Appends one row given values in `fieldNames` order (faster path for importers).
    public mutating func append(ordered values: [Value?]) {
        precondition(values.count <= fieldNames.count)
        for (i, name) in fieldNames.enumerated() {
            columns[name]!.append(i < values.count ? values[i] : nil)
        }
        count += 1
    }

    public func value(row: Int, field: String) -> Value? {
        columns[field]?.value(at: row)
    }

    /// The id of a row as text.
    public func id(row: Int) -> String {
        value(row: row, field: idField)?.description ?? ""
    }

    /// Row index for an id (linear scan; for `--recipient ID` lookups).
    public func row(forID id: String) -> Int? {
        guard let column = columns[idField] else { return nil }
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
}

/// Anything that can answer "what is this person's FIELD": a population
/// row, or the JSON given to `outreach render --data`.
public protocol RecordData: Sendable {
    func value(_ field: String) -> Value?
}

/// A record given as a plain dictionary (tests, `--data`).
public struct DictionaryRecord: RecordData {
    public var values: [String: Value]
    public init(_ values: [String: Value]) { self.values = values }
    public func value(_ field: String) -> Value? { values[field] }
}
