/// Reads the fields of many rows of one population quickly, for rendering a
/// message per record (`outreach render-all`, campaign sends).
///
/// `PopulationRecord` finds a field by hashing its name and copies the
/// population with every record; this resolves the fields a template reads
/// once, to one accessor each, so a record is a row number and a reference,
/// and a field is a short comparison of names and an array read. Fields not
/// resolved up front are still answered (through `Population.value`).
public final class PopulationRowReader: Sendable {
    let population: Population
    let names: [String]
    let accessors: [@Sendable (Int) -> Value?]

    /// `fields`: the names the template reads (its `arguments`, plus
    /// `gender` and `language`, which built-in words and variants use).
    public init(_ population: Population, fields: some Sequence<String>) {
        self.population = population
        var names: [String] = []
        var accessors: [@Sendable (Int) -> Value?] = []
        for name in Set(fields).sorted() {
            guard let column = population.column(name) else { continue }
            names.append(name)
            accessors.append(Self.accessor(column))
        }
        self.names = names
        self.accessors = accessors
    }

    /// The record of `row`.
    public func record(_ row: Int) -> Record { Record(reader: self, row: row) }

    /// One row as a template reads it: the resolved fields first, any other field by name.
    public struct Record: RecordData {
        let reader: PopulationRowReader
        public let row: Int

        public func value(_ field: String) -> Value? {
            let names = reader.names
            for i in names.indices where names[i] == field { return reader.accessors[i](row) }
            return reader.population.value(row: row, field: field)
        }
    }

    /// One closure per column kind, capturing the typed array (no enum
    /// matching or payload copy per read).
    private static func accessor(_ column: Column) -> @Sendable (Int) -> Value? {
        switch column {
        case .text(let c):
            let codes = c.codes, dictionary = c.dictionary
            return { row in
                let code = codes[row]
                return code == 0 ? nil : .text(dictionary[Int(code)])
            }
        case .int(let a):
            return { row in a[row] == Column.missingInt ? nil : .int(a[row]) }
        case .decimal(let a):
            return { row in a[row].isNaN ? nil : .decimal(a[row]) }
        case .bool(let a):
            return { row in a[row] == Column.missingByte ? nil : .bool(a[row] == 1) }
        case .date(let a):
            return { row in a[row] == Column.missingDate ? nil : .date(Day(daysSinceEpoch: a[row])) }
        case .gender(let a):
            return { row in a[row] == Column.missingByte ? nil : Gender(rawValue: a[row]).map(Value.gender) }
        }
    }
}
