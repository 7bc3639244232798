import Foundation

/// The syntax tree of a `where` rule, before type checking.
///
/// `NOT IN`, `NOT BETWEEN`, `IS NOT EMPTY`, `NOT CONTAINS` and
/// `NOT STARTS WITH` are parsed as `NOT` around the positive form; under
/// three-valued logic that is exactly their meaning.
indirect enum RuleExpression: Sendable {
    case and(RuleExpression, RuleExpression)
    case or(RuleExpression, RuleExpression)
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
        case .and(let a, let b): return "(\(a.canonical) AND \(b.canonical))"
        case .or(let a, let b): return "(\(a.canonical) OR \(b.canonical))"
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
        case .and(let a, let b), .or(let a, let b): return a.audienceReferences + b.audienceReferences
        case .not(let e): return e.audienceReferences
        case .inAudience(let name, let offset): return [(name, offset)]
        default: return []
        }
    }
}

/// `= != < <= > >=` (`<>` and `==` are read as `!=` and `=`).
enum ComparisonOperator: String, Sendable {
    case equal = "="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="

    /// The operator with its operands swapped (`3 < x` is `x > 3`).
    var flipped: ComparisonOperator {
        switch self {
        case .equal, .notEqual: return self
        case .less: return .greater
        case .lessOrEqual: return .greaterOrEqual
        case .greater: return .less
        case .greaterOrEqual: return .lessOrEqual
        }
    }

    var isOrdering: Bool { self != .equal && self != .notEqual }
}

/// One side of a comparison: a field, a function call or a literal.
struct RuleOperand: Sendable {
    enum Kind: Sendable {
        case field(String)
        case call(String, [RuleOperand])
        /// ASCII spelling, with a leading `-` when negative.
        case number(String)
        case string(String)
        case bool(Bool)
    }

    var kind: Kind
    var offset: Int

    var isLiteral: Bool {
        switch kind {
        case .number, .string, .bool: return true
        case .field, .call: return false
        }
    }

    var canonical: String {
        switch kind {
        case .field(let name):
            return name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } ? name : "`\(name)`"
        case .call(let name, let args): return "\(name)(\(args.map(\.canonical).joined(separator: ", ")))"
        case .number(let text): return text
        case .string(let s): return "'" + s.replacingOccurrences(of: "'", with: "''") + "'"
        case .bool(let b): return b ? "true" : "false"
        }
    }
}
