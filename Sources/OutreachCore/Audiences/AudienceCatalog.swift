/// All audiences of a project, parsed, with the references between them.
///
/// `init` parses every rule (syntax only: field types come with the
/// population); `check` reports every problem for `outreach validate`;
/// `evaluate` compiles against the population, evaluates referenced
/// audiences first (each once per call) and refuses cycles.
public struct AudienceCatalog: Sendable {
    private var definitions: [String: AudienceDefinition]
    private var rules: [String: AudienceRule]
    /// Audience names in the order given.
    public private(set) var names: [String]

    /// Parses all rules; throws the first syntax error (or a duplicate name).
    public init(_ definitions: [AudienceDefinition]) throws(OutreachError) {
        self.definitions = [:]
        self.rules = [:]
        self.names = []
        for definition in definitions {
            guard self.definitions[definition.name] == nil else {
                throw OutreachError(.invalidProject, "audience '\(definition.name)' is defined twice",
                                    at: definition.rule.file.map { SourceLocation(file: $0, line: 1, column: 1) })
            }
            self.rules[definition.name] = try AudienceRule.parse(definition.rule)
            self.definitions[definition.name] = definition
            self.names.append(definition.name)
        }
    }

    public func definition(_ name: String) -> AudienceDefinition? { definitions[name] }

    public func rule(_ name: String) -> AudienceRule? { rules[name] }

    /// Every problem in the definitions: syntax errors, duplicate names,
    /// unknown fields, functions and audiences, type mismatches, unreadable
    /// literals and reference cycles. Empty when all is well.
    public static func check(_ definitions: [AudienceDefinition], fieldTypes: [String: FieldType]) -> [OutreachError] {
        var errors: [OutreachError] = []
        var rules: [(AudienceDefinition, AudienceRule)] = []
        var seen = Set<String>()
        for definition in definitions {
            if !seen.insert(definition.name).inserted {
                errors.append(OutreachError(.invalidProject, "audience '\(definition.name)' is defined twice",
                                            at: definition.rule.file.map { SourceLocation(file: $0, line: 1, column: 1) }))
                continue
            }
            do {
                rules.append((definition, try AudienceRule.parse(definition.rule)))
            } catch {
                errors.append(error)
            }
        }
        let known = Set(definitions.map(\.name))
        for (_, rule) in rules {
            errors += rule.check(fieldTypes: fieldTypes, audiences: known)
        }
        errors += cycleErrors(rules.map { ($0.0.name, $0.1) })
        return errors
    }

    /// One error per distinct cycle of `IN AUDIENCE` references, located at
    /// the reference that closes it.
    private static func cycleErrors(_ rules: [(String, AudienceRule)]) -> [OutreachError] {
        let byName = Dictionary(rules, uniquingKeysWith: { a, _ in a })
        var errors: [OutreachError] = []
        var reported = Set<[String]>()
        var state: [String: Int] = [:] // 1 visiting, 2 done
        var path: [String] = []

        func visit(_ name: String) {
            guard let rule = byName[name] else { return }
            state[name] = 1
            path.append(name)
            for reference in rule.expression.audienceReferences {
                switch state[reference.name] {
                case 1?:
                    let start = path.lastIndex(of: reference.name) ?? 0
                    let cycle = Array(path[start...])
                    if reported.insert(cycle.sorted()).inserted {
                        errors.append(OutreachError(
                            .cycle, "audiences include each other (a cycle): \((cycle + [reference.name]).joined(separator: " → "))",
                            in: rule.source, atCharacterOffset: reference.offset,
                            hint: "an audience cannot contain itself, directly or through others"))
                    }
                case nil:
                    visit(reference.name)
                default:
                    break
                }
            }
            path.removeLast()
            state[name] = 2
        }
        for (name, _) in rules where state[name] == nil { visit(name) }
        return errors
    }

    /// Evaluates one audience (and what it references) over a population.
    public func evaluate(_ name: String, over population: Population, today: Day) throws(OutreachError) -> RowSet {
        let result = try evaluate([name], over: population, today: today)
        return result[name] ?? RowSet(capacity: population.count)
    }

    /// Evaluates several at once, sharing referenced audiences.
    public func evaluate(_ names: [String], over population: Population, today: Day) throws(OutreachError) -> [String: RowSet] {
        var run = CatalogRun(catalog: self, population: population, today: today)
        var result: [String: RowSet] = [:]
        for name in names {
            guard rules[name] != nil else {
                let suggestion = NameSuggestion.closest(to: name, in: self.names)
                throw OutreachError(.unknownName, "unknown audience '\(name)'; audiences are: \(self.names.sorted().joined(separator: ", "))",
                                    hint: suggestion.map { "did you mean '\($0)'?" })
            }
            result[name] = try run.evaluate(name, via: nil)
        }
        return result
    }

    /// One evaluation of the catalog: memoised sets and the reference path.
    private struct CatalogRun {
        let catalog: AudienceCatalog
        let population: Population
        let today: Day
        var done: [String: RowSet] = [:]
        var path: [String] = []

        mutating func evaluate(_ name: String, via reference: (rule: AudienceRule, offset: Int)?) throws(OutreachError) -> RowSet {
            if let set = done[name] { return set }
            guard let rule = catalog.rules[name] else {
                let message = "unknown audience '\(name)'; audiences are: \(catalog.names.sorted().joined(separator: ", "))"
                if let reference {
                    throw OutreachError(.unknownName, message, in: reference.rule.source, atCharacterOffset: reference.offset)
                }
                throw OutreachError(.unknownName, message)
            }
            if path.contains(name) {
                let start = path.firstIndex(of: name) ?? 0
                let message = "audiences include each other (a cycle): \((path[start...] + [name]).joined(separator: " → "))"
                if let reference {
                    throw OutreachError(.cycle, message, in: reference.rule.source, atCharacterOffset: reference.offset)
                }
                throw OutreachError(.cycle, message)
            }
            path.append(name)
            defer { path.removeLast() }
            let compiled = try rule.compile(fieldTypes: population.fieldTypes, audiences: Set(catalog.names))
            var inputs: [String: RowSet] = [:]
            for ref in rule.expression.audienceReferences where inputs[ref.name] == nil {
                inputs[ref.name] = try evaluate(ref.name, via: (rule, ref.offset))
            }
            let set = try compiled.evaluate(over: population, today: today, audiences: inputs)
            done[name] = set
            return set
        }
    }
}
