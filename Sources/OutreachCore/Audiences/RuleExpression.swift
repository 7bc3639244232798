/// The syntax tree of a `where` rule, before type checking.
///
/// `NOT IN`, `NOT BETWEEN`, `IS NOT EMPTY`, `NOT CONTAINS` and
/// `NOT STARTS WITH` are parsed as `NOT` around the positive form; under
/// three-valued logic that is exactly their meaning.
///
/// `AND` and `OR` are n-ary (two or more terms, in source order), so a long
/// flat chain is one node walked in a loop rather than a deep tree.
indirect enum RuleExpression: Sendable {
    case and([RuleExpression])
    case or([RuleExpression])
    case not(RuleExpression)
    /// `IN AUDIENCE name`: two-valued (a row is a member or it is not).
    case inAudience(String, offset: Int)
    /// A bare operand used as a condition: a bool field, or `true`/`false`.
    case bare(RuleOperand)
    case compare(RuleOperand, ComparisonOperator, RuleOperand, operatorOffset: Int)
    case inList(RuleOperand, [RuleOperand])
    case between(RuleOperand, RuleOperand, RuleOperand)
    case isEmpty(RuleOperand)
    case contains(RuleOperand, RuleOperand)
    case startsWith(RuleOperand, RuleOperand)

    /// Fully parenthesised canonical form (shows how precedence was read).
    var canonical: String {
        switch self {
        case .and(let terms): return "(" + terms.map(\.canonical).joined(separator: " AND ") + ")"
        case .or(let terms): return "(" + terms.map(\.canonical).joined(separator: " OR ") + ")"
        case .not(let e): return "NOT \(e.canonical)"
        case .inAudience(let name, _): return "IN AUDIENCE \(name)"
        case .bare(let o): return o.canonical
        case .compare(let a, let op, let b, _): return "\(a.canonical) \(op.rawValue) \(b.canonical)"
        case .inList(let a, let items): return "\(a.canonical) IN (\(items.map(\.canonical).joined(separator: ", ")))"
        case .between(let a, let lo, let hi): return "\(a.canonical) BETWEEN \(lo.canonical) AND \(hi.canonical)"
        case .isEmpty(let a): return "\(a.canonical) IS EMPTY"
        case .contains(let a, let b): return "\(a.canonical) CONTAINS \(b.canonical)"
        case .startsWith(let a, let b): return "\(a.canonical) STARTS WITH \(b.canonical)"
        }
    }

    /// Audiences named by `IN AUDIENCE`, with their offsets, in source order.
    var audienceReferences: [(name: String, offset: Int)] {
        switch self {
        case .and(let terms), .or(let terms): return terms.flatMap(\.audienceReferences)
        case .not(let e): return e.audienceReferences
        case .inAudience(let name, let offset): return [(name, offset)]
        default: return []
        }
    }
}
