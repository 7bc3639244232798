/// Recursive-descent parser for `where` rules.
///
/// Precedence, loosest first: `OR`, `AND`, `NOT`, then one predicate.
/// `x BETWEEN a AND b` takes its own `AND`, as in SQL.
///
/// A chain of `AND`s or `OR`s becomes one n-ary node, so a rule of thousands
/// of terms (generated from a list) is parsed, compiled and evaluated in a
/// loop. Only parentheses and `NOT` nest, and at most `maxNesting` deep: the
/// parser and every walk over the tree recurse once per level.
struct RuleParser {
    static let keywords: Set<String> = [
        "AND", "OR", "NOT", "IN", "BETWEEN", "IS", "EMPTY", "CONTAINS", "STARTS", "WITH", "AUDIENCE", "TRUE", "FALSE",
    ]

    /// Parentheses and `NOT`s around one condition, at most.
    static let maxNesting = 64

    let source: SourceText
    private let tokens: [RuleToken]
    private var position = 0
    private var nesting = 0

    init(source: SourceText) throws(OutreachError) {
        self.source = source
        self.tokens = try RuleLexer(source: source).tokens()
    }

    mutating func parseRule() throws(OutreachError) -> RuleExpression {
        if case .end = current.kind {
            throw error("the rule is empty", at: current, hint: "write a condition such as: city = 'Riyadh'")
        }
        let expression = try parseOr()
        guard case .end = current.kind else {
            if current.isSymbol(")") {
                throw error("this ')' has no matching '('", at: current)
            }
            throw error("expected AND, OR or the end of the rule, found \(current.display)", at: current)
        }
        return expression
    }

    // MARK: Token access

    private var current: RuleToken { tokens[min(position, tokens.count - 1)] }

    private mutating func advance() -> RuleToken {
        let token = current
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    private func peek(_ ahead: Int) -> RuleToken { tokens[min(position + ahead, tokens.count - 1)] }

    private func error(_ message: String, at token: RuleToken, hint: String? = nil) -> OutreachError {
        OutreachError(.syntax, message, in: source, atCharacterOffset: token.offset, hint: hint)
    }

    private mutating func expectKeyword(_ word: String, after what: String) throws(OutreachError) {
        guard current.isKeyword(word) else {
            throw error("expected \(word) after \(what), found \(current.display)", at: current)
        }
        _ = advance()
    }

    private mutating func expectSymbol(_ symbol: String, _ message: String) throws(OutreachError) {
        guard current.isSymbol(symbol) else { throw error(message + ", found \(current.display)", at: current) }
        _ = advance()
    }

    // MARK: Grammar

    private mutating func parseOr() throws(OutreachError) -> RuleExpression {
        var terms = [try parseAnd()]
        while current.isKeyword("OR") {
            _ = advance()
            terms.append(try parseAnd())
        }
        return terms.count == 1 ? terms[0] : .or(terms)
    }

    private mutating func parseAnd() throws(OutreachError) -> RuleExpression {
        var terms = [try parseNot()]
        while current.isKeyword("AND") {
            _ = advance()
            terms.append(try parseNot())
        }
        return terms.count == 1 ? terms[0] : .and(terms)
    }

    private mutating func parseNot() throws(OutreachError) -> RuleExpression {
        var nots = 0
        while current.isKeyword("NOT") {
            try enterNesting(at: current)
            _ = advance()
            nots += 1
        }
        var expression = try parsePredicate()
        for _ in 0..<nots { expression = .not(expression) }
        nesting -= nots
        return expression
    }

    /// Counts one more level of parentheses or `NOT`, refusing one too many.
    private mutating func enterNesting(at token: RuleToken) throws(OutreachError) {
        nesting += 1
        guard nesting <= Self.maxNesting else {
            throw error("the rule nests more than \(Self.maxNesting) levels of parentheses and NOT here", at: token,
                        hint: "write long lists flat (a OR b OR c …, or x IN (…)), or split the rule into audiences joined with IN AUDIENCE")
        }
    }

    private mutating func parsePredicate() throws(OutreachError) -> RuleExpression {
        if current.isSymbol("(") {
            try enterNesting(at: current)
            let open = advance()
            let inner = try parseOr()
            guard current.isSymbol(")") else {
                throw error("expected ')' to close the '(' opened here, found \(current.display)", at: open)
            }
            _ = advance()
            nesting -= 1
            return inner
        }
        if current.isKeyword("IN") && peek(1).isKeyword("AUDIENCE") {
            _ = advance()
            _ = advance()
            let nameToken = current
            switch nameToken.kind {
            case .identifier(let name) where !RuleParser.keywords.contains(name.uppercased()):
                _ = advance()
                return .inAudience(name, offset: nameToken.offset)
            case .quotedIdentifier(let name), .string(let name):
                _ = advance()
                return .inAudience(name, offset: nameToken.offset)
            default:
                throw error("expected an audience name after IN AUDIENCE, found \(nameToken.display)", at: nameToken)
            }
        }
        let left = try parseOperand(role: "a condition")
        return try parseTail(left)
    }

    /// What follows the left operand: an operator, or nothing (bare bool).
    private mutating func parseTail(_ left: RuleOperand) throws(OutreachError) -> RuleExpression {
        let token = current
        if case .symbol(let s) = token.kind, let op = ComparisonOperator(rawValue: s) {
            _ = advance()
            let right = try parseOperand(role: "a value after '\(s)'")
            return .compare(left, op, right, operatorOffset: token.offset)
        }
        var negated = false
        if token.isKeyword("NOT") {
            let next = peek(1)
            if next.isKeyword("IN") || next.isKeyword("BETWEEN") || next.isKeyword("CONTAINS") || next.isKeyword("STARTS") {
                _ = advance()
                negated = true
            }
        }
        let positive: RuleExpression
        switch current.keyword {
        case "IN":
            _ = advance()
            try expectSymbol("(", "expected '(' and a list of values after IN")
            var items: [RuleOperand] = []
            if current.isSymbol(")") {
                throw error("the list after IN is empty", at: current)
            }
            while true {
                items.append(try parseOperand(role: "a value in the IN list"))
                if current.isSymbol(",") { _ = advance(); continue }
                try expectSymbol(")", "expected ',' or ')' in the IN list")
                break
            }
            positive = .inList(left, items)
        case "BETWEEN":
            _ = advance()
            let low = try parseOperand(role: "a value after BETWEEN")
            try expectKeyword("AND", after: "BETWEEN \(low.canonical)")
            let high = try parseOperand(role: "a value after AND")
            positive = .between(left, low, high)
        case "CONTAINS":
            _ = advance()
            positive = .contains(left, try parseOperand(role: "a value after CONTAINS"))
        case "STARTS":
            _ = advance()
            try expectKeyword("WITH", after: "STARTS")
            positive = .startsWith(left, try parseOperand(role: "a value after STARTS WITH"))
        case "IS":
            _ = advance()
            if current.isKeyword("NOT") {
                _ = advance()
                negated = true
            }
            guard current.isKeyword("EMPTY") else {
                throw error("expected EMPTY after IS\(negated ? " NOT" : ""), found \(current.display)", at: current,
                            hint: "rules test for missing values with IS EMPTY or IS NOT EMPTY")
            }
            _ = advance()
            positive = .isEmpty(left)
        default:
            return .bare(left)
        }
        return negated ? .not(positive) : positive
    }

    private mutating func parseOperand(role: String) throws(OutreachError) -> RuleOperand {
        let token = current
        switch token.kind {
        case .number(let text):
            _ = advance()
            return RuleOperand(kind: .number(text), offset: token.offset)
        case .symbol("-"):
            _ = advance()
            guard case .number(let text) = current.kind else {
                throw error("expected a number after '-', found \(current.display)", at: current)
            }
            _ = advance()
            return RuleOperand(kind: .number("-" + text), offset: token.offset)
        case .string(let s):
            _ = advance()
            return RuleOperand(kind: .string(s), offset: token.offset)
        case .quotedIdentifier(let name):
            _ = advance()
            return RuleOperand(kind: .field(name), offset: token.offset)
        case .identifier(let name):
            let word = name.uppercased()
            if word == "TRUE" || word == "FALSE" {
                _ = advance()
                return RuleOperand(kind: .bool(word == "TRUE"), offset: token.offset)
            }
            if RuleParser.keywords.contains(word) {
                throw error("expected \(role), found the keyword \(word)", at: token,
                            hint: "write a field named like a keyword in backticks: `\(name)`")
            }
            _ = advance()
            if current.isSymbol("(") {
                _ = advance()
                var args: [RuleOperand] = []
                if !current.isSymbol(")") {
                    while true {
                        args.append(try parseOperand(role: "an argument of \(name)()"))
                        if current.isSymbol(",") { _ = advance(); continue }
                        break
                    }
                }
                try expectSymbol(")", "expected ')' to close \(name)(")
                return RuleOperand(kind: .call(name, args), offset: token.offset)
            }
            return RuleOperand(kind: .field(name), offset: token.offset)
        default:
            throw error("expected \(role), found \(token.display)", at: token)
        }
    }
}
