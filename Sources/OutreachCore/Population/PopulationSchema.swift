/// Which column identifies a person and the type of each field.
///
/// Written as YAML:
/// ```yaml
/// id: national_id
/// fields:
///   birth_date: date
///   gender: gender
///   mobile: phone
/// ```
public struct PopulationSchema: Sendable, Equatable {
    public var idField: String
    /// Declared field types; undeclared columns are `text`.
    public var fields: [String: FieldType]

    public init(idField: String, fields: [String: FieldType] = [:]) {
        self.idField = idField
        self.fields = fields
    }

    public func type(of field: String) -> FieldType {
        fields[field] ?? .text
    }
}
