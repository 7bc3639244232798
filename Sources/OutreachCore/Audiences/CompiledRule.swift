/// A type-checked rule lowered to column operations. Compile once, evaluate
/// over many populations with the same field types.
public struct CompiledRule: Sendable {
    let plan: RulePlan
    /// Audiences that must be evaluated first and passed to `evaluate`.
    public let referencedAudiences: Set<String>

    /// Members of the rule over `population` on `today`. `audiences` holds
    /// the evaluated sets for every `IN AUDIENCE` the rule names.
    public func evaluate(over population: Population, today: Day,
                         audiences: [String: RowSet] = [:]) throws(OutreachError) -> RowSet {
        try RuleEvaluator(population: population, today: today, audiences: audiences).evaluate(plan).members
    }
}
