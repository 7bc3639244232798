import Foundation

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
