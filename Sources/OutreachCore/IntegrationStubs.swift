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
