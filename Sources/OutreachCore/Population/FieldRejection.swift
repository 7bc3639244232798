/// Values of one field that did not parse for its type.
public struct FieldRejection: Sendable, Codable, Equatable {
    public struct Example: Sendable, Codable, Equatable {
        public var line: Int
        public var raw: String

        public init(line: Int, raw: String) {
            self.line = line
            self.raw = raw
        }
    }

    public init(field: String, type: FieldType, count: Int, examples: [Example]) {
        self.field = field
        self.type = type
        self.count = count
        self.examples = examples
    }

    public var field: String
    public var type: FieldType
    public var count: Int
    public var examples: [Example]
}
