/// Values of one field that did not parse for its type.
public struct FieldRejection: Sendable, Codable, Equatable {
    /// One refused value, by line number.
    public struct Example: Sendable, Codable, Equatable {
        public var line: Int
        /// The value as read; bytes that are not UTF-8 written `\x{FF}`.
        public var raw: String
        /// Set when the value is not valid text: what and at which byte.
        public var problem: TextProblem?

        public init(line: Int, raw: String, problem: TextProblem? = nil) {
            self.line = line
            self.raw = raw
            self.problem = problem
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
