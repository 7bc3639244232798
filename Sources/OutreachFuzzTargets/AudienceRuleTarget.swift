import OutreachCore

/// Reads the input as an audience's `where` rule, as `validate` and
/// `audience count` do: every problem listed (and printed), then, when there
/// is none, the rule evaluated over `FuzzPopulation` next to two fixed
/// audiences it may name with `IN AUDIENCE` (or name itself, a cycle).
enum AudienceRuleTarget {
    static let fixedAudiences = [
        AudienceDefinition(name: "mothers", title: "mothers", description: "",
                           rule: SourceText("gender = 'female' AND children > 0", file: "audiences/mothers.yaml", line: 1, column: 8)),
        AudienceDefinition(name: "adults", title: "adults", description: "",
                           rule: SourceText("age(birth_date) >= 18 AND NOT IN AUDIENCE mothers", file: "audiences/adults.yaml", line: 1, column: 8)),
    ]

    static func run(_ input: UnsafeBufferPointer<UInt8>) {
        let text = String(decoding: input, as: UTF8.self)
        // Where a rule written in a YAML block starts: errors map offsets back to line and column.
        let source = SourceText(text, file: "audiences/fuzzed.yaml", line: 3, column: 3, continuationColumn: 3)
        let definitions = [AudienceDefinition(name: "fuzzed", title: "fuzzed", description: "", rule: source)] + fixedAudiences
        let population = FuzzPopulation.population

        do throws(OutreachError) {
            let rule = try AudienceRule.parse(source)
            _ = rule.description
            _ = rule.referencedAudiences
        } catch {
            _ = error.description
        }
        let problems = AudienceCatalog.check(definitions, fieldTypes: population.fieldTypes)
        for problem in problems { _ = problem.description }
        guard problems.isEmpty else { return }

        do throws(OutreachError) {
            let catalog = try AudienceCatalog(definitions)
            let members = try catalog.evaluate(["fuzzed", "adults"], over: population, today: FuzzPopulation.today)
            for (_, set) in members where set.count > population.count || set.rows.contains(where: { $0 >= population.count }) {
                fatalError("an audience has members that are not rows of the population")
            }
        } catch {
            _ = error.description
        }
    }
}
