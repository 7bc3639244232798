// TEMPORARY: signatures agreed with the parallel branches (rules, templates,
// import) so the project layer and CLI compile before the merge. Deleted by
// the merge commit.
import Foundation

public struct AudienceDefinition: Sendable {
    public var name: String; public var title: String; public var description: String
    public var rule: SourceText
    public init(name: String, title: String, description: String, rule: SourceText) {
        self.name = name; self.title = title; self.description = description; self.rule = rule
    }
}
public struct RowSet: Sendable, Equatable {
    public var count: Int
    public var capacity: Int
    public func contains(_ row: Int) -> Bool { fatalError() }
    public var rows: [Int] { fatalError() }
    public func subtracting(_ other: RowSet) -> RowSet { fatalError() }
    public func union(_ other: RowSet) -> RowSet { fatalError() }
    public func intersection(_ other: RowSet) -> RowSet { fatalError() }
}
public struct AudienceCatalog: Sendable {
    public init(_ definitions: [AudienceDefinition]) throws(OutreachError) { fatalError() }
    public static func check(_ definitions: [AudienceDefinition], fieldTypes: [String: FieldType]) -> [OutreachError] { fatalError() }
    public var names: [String] { fatalError() }
    public func definition(_ name: String) -> AudienceDefinition? { fatalError() }
    public func evaluate(_ name: String, over population: Population, today: Day) throws(OutreachError) -> RowSet { fatalError() }
    public func evaluate(_ names: [String], over population: Population, today: Day) throws(OutreachError) -> [String: RowSet] { fatalError() }
}
public enum PhoneNumber { public static func normalize(_ raw: some StringProtocol) -> String? { fatalError() } }
public enum FieldParseResult: Sendable, Equatable { case value(Value), missing, rejected }
public enum FieldParser { public static func parse(_ raw: String, as type: FieldType) -> FieldParseResult { fatalError() } }
public enum PopulationFormat: String, Sendable { case csv, jsonLines = "jsonl"; public init?(fileName: String) { fatalError() } }
public struct RowRejection: Sendable, Codable { public var reason: String; public var count: Int; public var exampleLines: [Int] }
public struct FieldRejection: Sendable, Codable { public var field: String; public var type: FieldType; public var count: Int }
public struct ImportReport: Sendable, Codable {
    public var file: String?; public var rowsRead: Int; public var rowsImported: Int
    public var rejectedRows: [RowRejection]
    public var rejectedValues: [FieldRejection]
    public var totalRejectedRows: Int
}
public struct PopulationImporter {
    public init(schema: PopulationSchema, format: PopulationFormat, fileName: String?) { fatalError() }
    public mutating func consume(_ bytes: UnsafeRawBufferPointer) throws(OutreachError) { fatalError() }
    public mutating func finish() throws(OutreachError) -> (Population, ImportReport) { fatalError() }
}
public enum SMSEncoding: String, Sendable, Codable { case gsm7 = "GSM-7", ucs2 = "UCS-2" }
public struct SMSInfo: Sendable, Codable, Equatable { public var encoding: SMSEncoding; public var characters: Int; public var units: Int; public var parts: Int }
public enum SMSText {
    public static func info(_ text: String) -> SMSInfo { fatalError() }
    public static func split(_ text: String) -> [String] { fatalError() }
    public static func smartEncoded(_ text: String) -> String { fatalError() }
}
public struct PopulationGenerator {
    public init(seed: UInt64, today: Day) { fatalError() }
    public static let header: String = ""
    public mutating func nextLine() -> String { fatalError() }
    public static let schemaYAML: String = ""
}
