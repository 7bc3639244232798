/// Which column identifies a person and the type of each field.
///
/// Written as YAML:
/// ```yaml
/// id: national_id
/// fields:
///   birth_date: date
///   gender: gender
///   mobile: phone
/// encoding: windows-1256   # optional, default utf-8
/// delimiter: ";"           # optional, CSV only, default ","
/// ```
public struct PopulationSchema: Sendable, Equatable {
    public var idField: String
    /// Declared field types; undeclared columns are `text`.
    public var fields: [String: FieldType]
    /// The file's encoding; anything but UTF-8 is converted on import.
    public var encoding: PopulationEncoding
    /// The CSV field separator.
    public var delimiter: CSVDelimiter

    public init(idField: String, fields: [String: FieldType] = [:], encoding: PopulationEncoding = .utf8, delimiter: CSVDelimiter = .comma) {
        self.idField = idField
        self.fields = fields
        self.encoding = encoding
        self.delimiter = delimiter
    }

    public func type(of field: String) -> FieldType {
        fields[field] ?? .text
    }
}
