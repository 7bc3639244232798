/// A parsed `where` rule: a small SQL-WHERE-like language.
///
/// ```
/// gender = 'أنثى' AND age(birth_date) BETWEEN 18 AND 45
///   AND city IN ('الرياض', 'جدة') AND NOT IN AUDIENCE opted_out
/// ```
/// Keywords are case-insensitive; `NOT` binds tighter than `AND`, which
/// binds tighter than `OR`. Missing values are SQL NULLs: comparisons with
/// them are unknown, logic is three-valued, and only rows where the rule is
/// true are members. Text compares on `ArabicText.normalize` keys (`<` and
/// `>` on text order those keys by Unicode scalar value, not by a
/// dictionary collation); phone fields compare on E.164.
///
/// Literals are read in the type of the other side: `'2000-01-31'` against a
/// date, `'0501234567'` against a phone, `'أنثى'` against a gender, `'نعم'`
/// against a bool. Field names are case-sensitive; a field named like a
/// keyword (or with spaces) is written in backticks: `` `order` = 3 ``.
/// `IN AUDIENCE x` is two-valued: a row is in `x` or it is not.
///
/// Parsing needs no field types; `compile(fieldTypes:)` type-checks and
/// lowers the rule for vectorised evaluation.
public struct AudienceRule: Sendable, CustomStringConvertible {
    public let source: SourceText
    let expression: RuleExpression

    /// Parses a rule; throws the first syntax error, located in `source`.
    public static func parse(_ source: SourceText) throws(OutreachError) -> AudienceRule {
        var parser = try RuleParser(source: source)
        return AudienceRule(source: source, expression: try parser.parseRule())
    }

    /// The rule fully parenthesised, showing how it was read:
    /// `a OR b AND NOT c` is `(a OR (b AND NOT c))`.
    public var description: String { expression.canonical }

    /// Audiences named by `IN AUDIENCE`, in source order (may repeat).
    public var referencedAudiences: [String] { expression.audienceReferences.map(\.name) }

    /// Type-checks against the population's field types and lowers the rule.
    /// Throws the first error; `check` lists them all.
    public func compile(fieldTypes: [String: FieldType], audiences: Set<String>? = nil) throws(OutreachError) -> CompiledRule {
        var compiler = RuleCompiler(source: source, fieldTypes: fieldTypes, knownAudiences: audiences)
        let plan = compiler.compile(expression)
        if let first = compiler.errors.first { throw first }
        guard let plan else { throw OutreachError(.syntax, "the rule could not be compiled", in: source, atCharacterOffset: 0) }
        return CompiledRule(plan: plan, referencedAudiences: Set(referencedAudiences))
    }

    /// Every unknown field, unknown function, type mismatch and unreadable
    /// literal in the rule (and unknown audiences when `audiences` is given).
    public func check(fieldTypes: [String: FieldType], audiences: Set<String>? = nil) -> [OutreachError] {
        var compiler = RuleCompiler(source: source, fieldTypes: fieldTypes, knownAudiences: audiences)
        _ = compiler.compile(expression)
        return compiler.errors
    }
}
