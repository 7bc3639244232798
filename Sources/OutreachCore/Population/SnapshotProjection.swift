/// Which fields a piece of work reads, so a snapshot can load only those
/// columns (`PopulationSnapshot.read(_:fields:file:)`).
extension AudienceCatalog {
    /// Every field named by any audience rule of the catalog.
    public var referencedFields: Set<String> {
        var fields = Set<String>()
        for name in names {
            if let rule = rule(name) { rule.expression.collectFields(into: &fields) }
        }
        return fields
    }
}

extension AudienceCatalog {
    /// Every field the rules of `audiences` read, following `IN AUDIENCE`
    /// to the audiences they include (a campaign's segments: what its
    /// import must keep, with the fields its templates, contacts and
    /// sending read, and the id). Unknown names add nothing; cycles end.
    public func referencedFields(of audiences: some Sequence<String>) -> Set<String> {
        var fields = Set<String>()
        var seen = Set<String>()
        var pending = Array(audiences)
        while let name = pending.popLast() {
            guard seen.insert(name).inserted, let rule = rule(name) else { continue }
            rule.expression.collectFields(into: &fields)
            pending += rule.expression.audienceReferences.map(\.name)
        }
        return fields
    }
}

extension AudienceRule {
    /// Fields the rule reads (not those of the audiences it includes).
    public var referencedFields: Set<String> {
        var fields = Set<String>()
        expression.collectFields(into: &fields)
        return fields
    }
}

extension RuleExpression {
    func collectFields(into fields: inout Set<String>) {
        switch self {
        case .and(let terms), .or(let terms):
            for term in terms { term.collectFields(into: &fields) }
        case .not(let e):
            e.collectFields(into: &fields)
        case .inAudience:
            break
        case .bare(let o), .isEmpty(let o):
            o.collectFields(into: &fields)
        case .compare(let a, _, let b, _), .contains(let a, let b), .startsWith(let a, let b):
            a.collectFields(into: &fields)
            b.collectFields(into: &fields)
        case .inList(let a, let items):
            a.collectFields(into: &fields)
            for item in items { item.collectFields(into: &fields) }
        case .between(let a, let low, let high):
            a.collectFields(into: &fields)
            low.collectFields(into: &fields)
            high.collectFields(into: &fields)
        }
    }
}

extension RuleOperand {
    func collectFields(into fields: inout Set<String>) {
        switch kind {
        case .field(let name): fields.insert(name)
        case .call(_, let args): for arg in args { arg.collectFields(into: &fields) }
        case .number, .string, .bool: break
        }
    }
}
