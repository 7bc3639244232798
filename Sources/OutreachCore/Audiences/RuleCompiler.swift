import Foundation

/// Type-checks a parsed rule against the population's field types and
/// lowers it to a `RulePlan`. Collects every error it finds (for
/// `outreach validate`) instead of stopping at the first.
struct RuleCompiler {
    static let functions = ["age", "days_since", "days_until", "len"]

    let source: SourceText
    let fieldTypes: [String: FieldType]
    /// Audience names `IN AUDIENCE` may use; nil skips that check.
    let knownAudiences: Set<String>?
    private(set) var errors: [OutreachError] = []

    init(source: SourceText, fieldTypes: [String: FieldType], knownAudiences: Set<String>?) {
        self.source = source
        self.fieldTypes = fieldTypes
        self.knownAudiences = knownAudiences
    }

    /// An operand after name resolution.
    private enum Resolved {
        case source(ValueSource, offset: Int)
        case literal(RuleOperand)
    }

    // MARK: Errors

    private mutating func fail(_ code: OutreachError.Code, _ message: String, at offset: Int, hint: String? = nil) {
        errors.append(OutreachError(code, message, in: source, atCharacterOffset: offset, hint: hint))
    }

    private func describe(_ s: ValueSource) -> String {
        switch s {
        case .field(let name, let type):
            let article = type == .int || type == .email ? "an" : "a"
            return "'\(name)' is \(article) \(type) field"
        case .dayFunction(let fn, let f): return "\(fn.rawValue)(\(f)) is a number"
        case .length(let f): return "len(\(f)) is a number"
        }
    }

    private func describe(_ literal: RuleOperand) -> String {
        switch literal.kind {
        case .number(let t): return "the number \(t)"
        case .string(let s): return "the text '\(s)'"
        case .bool(let b): return b ? "true" : "false"
        case .field, .call: return literal.canonical
        }
    }

    // MARK: Expressions

    mutating func compile(_ expression: RuleExpression) -> RulePlan? {
        switch expression {
        case .and(let terms):
            // Every term is compiled, so validate reports all their errors.
            let plans = terms.map { compile($0) }
            let compiled = plans.compactMap { $0 }
            return compiled.count == plans.count ? .and(compiled) : nil
        case .or(let terms):
            let plans = terms.map { compile($0) }
            let compiled = plans.compactMap { $0 }
            return compiled.count == plans.count ? .or(compiled) : nil
        case .not(let e):
            return compile(e).map(RulePlan.not)
        case .inAudience(let name, let offset):
            if let knownAudiences, !knownAudiences.contains(name) {
                let suggestion = NameSuggestion.closest(to: name, in: knownAudiences)
                fail(.unknownName, "unknown audience '\(name)'; audiences are: \(knownAudiences.sorted().joined(separator: ", "))",
                     at: offset, hint: suggestion.map { "did you mean '\($0)'?" })
                return nil
            }
            return .audience(name, offset: offset)
        case .bare(let operand):
            return compileBare(operand)
        case .compare(let a, let op, let b, let opOffset):
            return compileCompare(a, op, b, operatorOffset: opOffset)
        case .inList(let a, let items):
            return compileIn(a, items)
        case .between(let a, let low, let high):
            return compileBetween(a, low, high)
        case .isEmpty(let a):
            return compileIsEmpty(a)
        case .contains(let a, let b):
            return compileText(a, b, keyword: "CONTAINS", startsWith: false)
        case .startsWith(let a, let b):
            return compileText(a, b, keyword: "STARTS WITH", startsWith: true)
        }
    }

    // MARK: Operands

    private mutating func resolve(_ operand: RuleOperand) -> Resolved? {
        switch operand.kind {
        case .number, .string, .bool:
            return .literal(operand)
        case .field(let name):
            guard let type = fieldTypes[name] else {
                let suggestion = NameSuggestion.closest(to: name, in: fieldTypes.keys)
                fail(.unknownField, "unknown field '\(name)'; fields are: \(fieldTypes.keys.sorted().joined(separator: ", "))",
                     at: operand.offset,
                     hint: suggestion.map { "did you mean '\($0)'?" } ?? "if '\(name)' is a value, not a field, put it in quotes: '\(name)'")
                return nil
            }
            return .source(.field(name, type.storage), offset: operand.offset)
        case .call(let rawName, let args):
            let name = rawName.lowercased()
            guard RuleCompiler.functions.contains(name) else {
                let suggestion = NameSuggestion.closest(to: rawName, in: RuleCompiler.functions)
                fail(.unknownName, "unknown function '\(rawName)'; functions are: \(RuleCompiler.functions.joined(separator: ", "))",
                     at: operand.offset, hint: suggestion.map { "did you mean '\($0)'?" })
                return nil
            }
            let wanted = name == "len" ? "a text field" : "a date field"
            guard args.count == 1, let arg = args.first else {
                fail(.typeMismatch, "\(name)() takes one argument, \(wanted); found \(args.count)", at: operand.offset)
                return nil
            }
            guard case .field = arg.kind else {
                fail(.typeMismatch, "\(name)() takes \(wanted), not \(describe(arg))", at: arg.offset)
                return nil
            }
            guard case .source(.field(let field, let type), _)? = resolve(arg) else { return nil }
            if name == "len" {
                guard type.isTextLike else {
                    fail(.typeMismatch, "len() takes a text field; '\(field)' is a \(type) field", at: arg.offset)
                    return nil
                }
                return .source(.length(field), offset: operand.offset)
            }
            guard type == .date else {
                fail(.typeMismatch, "\(name)() takes a date field; '\(field)' is a \(type) field", at: arg.offset)
                return nil
            }
            return .source(.dayFunction(DayFunction(rawValue: name) ?? .age, field), offset: operand.offset)
        }
    }

    /// Resolves an operand that must not be a literal (the subject of IN,
    /// BETWEEN, IS EMPTY, …).
    private mutating func subject(_ operand: RuleOperand, of keyword: String) -> (ValueSource, Int)? {
        switch resolve(operand) {
        case .source(let s, let offset)?:
            return (s, offset)
        case .literal(let lit)?:
            fail(.typeMismatch, "\(keyword) needs a field or function on its left, not \(describe(lit))", at: lit.offset)
            return nil
        case nil:
            return nil
        }
    }

    // MARK: Literals read in the type of the other side

    private mutating func number(_ lit: RuleOperand, for s: ValueSource) -> NumberValue? {
        switch lit.kind {
        case .number(let text):
            if let n = NumberValue(text) { return n }
            fail(.invalidValue, "'\(text)' is not a number", at: lit.offset)
        case .string(let text):
            if let n = NumberValue(RuleCompiler.trimmed(text)) { return n }
            fail(.invalidValue, "'\(text)' is not a number", at: lit.offset, hint: "\(describe(s))")
        default:
            fail(.typeMismatch, "cannot compare a number with \(describe(lit)); \(describe(s))", at: lit.offset)
        }
        return nil
    }

    private mutating func day(_ lit: RuleOperand, for s: ValueSource) -> Int64? {
        switch lit.kind {
        case .string(let text):
            // A `hijri_date` field reads Umm al-Qura dates (1356–1500 AH, so no
            // overlap with Gregorian years in use); any date field does when
            // the literal ends in هـ. Otherwise the literal is ISO Gregorian.
            let hijriField = fieldTypes[s.field] == .hijriDate
            let marked = text.trimmingCharacters(in: .whitespaces).hasSuffix("ه") || text.hasSuffix("هـ")
            if hijriField || marked, let d = UmmAlQura.parse(text) { return Int64(d.daysSinceEpoch) }
            if !marked, let d = Day(iso: Digits.toASCII(text)) { return Int64(d.daysSinceEpoch) }
            let form = hijriField || marked ? "YYYY-MM-DD, Umm al-Qura or Gregorian" : "YYYY-MM-DD"
            fail(.invalidValue, "'\(text)' is not a date (\(form))", at: lit.offset)
        default:
            fail(.typeMismatch, "cannot compare a date with \(describe(lit)); \(describe(s))", at: lit.offset,
                 hint: "write dates in quotes: '2000-01-31'")
        }
        return nil
    }

    private mutating func textKey(_ lit: RuleOperand, for s: ValueSource) -> String? {
        guard case .string(let text) = lit.kind else {
            fail(.typeMismatch, "cannot compare text with \(describe(lit)); \(describe(s))", at: lit.offset,
                 hint: "put text values in quotes: '\(lit.canonical)'")
            return nil
        }
        if s.type == .phone {
            guard let e164 = PhoneNumber.normalize(text) else {
                fail(.invalidValue, "'\(text)' is not a phone number", at: lit.offset,
                     hint: "write a full number such as '0501234567' or '+966501234567'")
                return nil
            }
            return e164
        }
        return ArabicText.normalize(text)
    }

    private mutating func gender(_ lit: RuleOperand, for s: ValueSource) -> Gender? {
        guard case .string(let text) = lit.kind else {
            fail(.typeMismatch, "cannot compare a gender with \(describe(lit)); \(describe(s))", at: lit.offset,
                 hint: "write 'male' or 'female' (or 'ذكر' / 'أنثى')")
            return nil
        }
        if let g = LiteralReading.gender(text) { return g }
        fail(.invalidValue, "'\(text)' is not a gender (male/m/ذكر or female/f/أنثى)", at: lit.offset)
        return nil
    }

    private mutating func bool(_ lit: RuleOperand, for s: ValueSource) -> Bool? {
        switch lit.kind {
        case .bool(let b): return b
        case .string(let text), .number(let text):
            if let b = LiteralReading.bool(text) { return b }
            fail(.invalidValue, "'\(text)' is not a yes/no value (true/false, yes/no, 1/0, نعم/لا)", at: lit.offset)
        default: break
        }
        return nil
    }

    // MARK: Plans per operator

    private func intPlan(_ s: ValueSource, _ range: IntRange) -> RulePlan {
        switch s {
        case .field(let f, _): return .intRange(field: f, range)
        case .dayFunction(let fn, let f): return .dayRange(field: f, fn, range)
        case .length(let f): return .text(field: f, test: TextTest(kind: .length(range), phone: false))
        }
    }

    private static func byteTable(trueFor values: [UInt8]) -> [UInt8] {
        var table = [UInt8](repeating: 0, count: 256)
        table[255] = 2
        for v in values { table[Int(v)] = 1 }
        return table
    }

    /// `s op literal`, `.notEqual` included.
    private mutating func compareWithLiteral(_ s: ValueSource, _ op: ComparisonOperator, _ lit: RuleOperand,
                                             operatorOffset: Int) -> RulePlan? {
        let negate = op == .notEqual
        let positive: RulePlan
        switch s.type {
        case .int:
            guard let n = number(lit, for: s) else { return nil }
            positive = intPlan(s, IntRange.of(op, n))
        case .decimal:
            guard let n = number(lit, for: s) else { return nil }
            let d = n.double
            let (low, high): (Double, Double)
            switch op {
            case .equal, .notEqual: (low, high) = (d, d)
            case .less: (low, high) = (-.infinity, d.nextDown)
            case .lessOrEqual: (low, high) = (-.infinity, d)
            case .greater: (low, high) = (d.nextUp, .infinity)
            case .greaterOrEqual: (low, high) = (d, .infinity)
            }
            positive = .decimalRange(field: s.field, low: low, high: high)
        case .date, .hijriDate:
            guard let d = day(lit, for: s) else { return nil }
            positive = .dayRange(field: s.field, .identity, IntRange.of(op, .int(d)))
        case .text, .phone, .email:
            guard let key = textKey(lit, for: s) else { return nil }
            let kind: TextTest.Kind
            switch op {
            case .equal, .notEqual: kind = .equalsAny([key])
            case .less: kind = .range(low: nil, lowInclusive: false, high: key, highInclusive: false)
            case .lessOrEqual: kind = .range(low: nil, lowInclusive: false, high: key, highInclusive: true)
            case .greater: kind = .range(low: key, lowInclusive: false, high: nil, highInclusive: false)
            case .greaterOrEqual: kind = .range(low: key, lowInclusive: true, high: nil, highInclusive: false)
            }
            positive = .text(field: s.field, test: TextTest(kind: kind, phone: s.type == .phone))
        case .gender:
            guard let g = gender(lit, for: s) else { return nil }
            guard !op.isOrdering else {
                fail(.typeMismatch, "genders can only be compared with = or !=; \(describe(s))", at: operatorOffset)
                return nil
            }
            positive = .byteTable(field: s.field, table: RuleCompiler.byteTable(trueFor: [g.rawValue]))
        case .bool:
            guard let b = bool(lit, for: s) else { return nil }
            guard !op.isOrdering else {
                fail(.typeMismatch, "yes/no fields can only be compared with = or !=; \(describe(s))", at: operatorOffset)
                return nil
            }
            positive = .byteTable(field: s.field, table: RuleCompiler.byteTable(trueFor: [b ? 1 : 0]))
        }
        return negate ? .not(positive) : positive
    }

    private mutating func compileCompare(_ a: RuleOperand, _ op: ComparisonOperator, _ b: RuleOperand,
                                         operatorOffset: Int) -> RulePlan? {
        let ra = resolve(a), rb = resolve(b)
        guard let ra, let rb else { return nil }
        switch (ra, rb) {
        case (.literal(let la), .literal):
            fail(.typeMismatch, "both sides of '\(op.rawValue)' are values; compare a field or function with a value",
                 at: la.offset)
            return nil
        case (.literal(let lit), .source(let s, _)):
            return compareWithLiteral(s, op.flipped, lit, operatorOffset: operatorOffset)
        case (.source(let s, _), .literal(let lit)):
            return compareWithLiteral(s, op, lit, operatorOffset: operatorOffset)
        case (.source(let sa, _), .source(let sb, let offsetB)):
            let ta = sa.type, tb = sb.type
            let compatible: Bool
            if ta.isNumeric && tb.isNumeric || ta == .date && tb == .date || ta.isTextLike && tb.isTextLike {
                compatible = true
            } else if ta == tb && (ta == .gender || ta == .bool) {
                guard !op.isOrdering else {
                    fail(.typeMismatch, "\(ta) values can only be compared with = or !=", at: operatorOffset)
                    return nil
                }
                compatible = true
            } else {
                compatible = false
            }
            guard compatible else {
                fail(.typeMismatch, "cannot compare these: \(describe(sa)) and \(describe(sb))", at: offsetB)
                return nil
            }
            return .columns(sa, op, sb)
        }
    }

    private mutating func compileBare(_ operand: RuleOperand) -> RulePlan? {
        switch resolve(operand) {
        case .literal(let lit)?:
            if case .bool(let b) = lit.kind { return .constant(b) }
            fail(.typeMismatch, "\(describe(lit)) is not a condition", at: lit.offset,
                 hint: "compare it with a field, e.g. city = \(lit.canonical)")
            return nil
        case .source(let s, let offset)?:
            guard case .field(let f, .bool) = s else {
                fail(.typeMismatch, "\(describe(s)), not a yes/no field, so it cannot stand alone as a condition",
                     at: offset, hint: "compare it with a value, e.g. \(operand.canonical) = …")
                return nil
            }
            return .byteTable(field: f, table: RuleCompiler.byteTable(trueFor: [1]))
        case nil:
            return nil
        }
    }

    private mutating func compileIn(_ a: RuleOperand, _ items: [RuleOperand]) -> RulePlan? {
        guard let (s, _) = subject(a, of: "IN") else {
            for item in items { _ = resolve(item) }
            return nil
        }
        var literals: [RuleOperand] = []
        for item in items {
            if item.isLiteral {
                literals.append(item)
            } else if resolve(item) != nil {
                fail(.typeMismatch, "IN takes a list of values, not \(item.canonical)", at: item.offset,
                     hint: "compare two fields with = instead")
            }
        }
        guard literals.count == items.count else { return nil }
        switch s.type {
        case .text, .phone, .email:
            var keys = Set<String>()
            var ok = true
            for lit in literals {
                if let k = textKey(lit, for: s) { keys.insert(k) } else { ok = false }
            }
            return ok ? .text(field: s.field, test: TextTest(kind: .equalsAny(keys), phone: s.type == .phone)) : nil
        case .gender, .bool:
            var values: [UInt8] = []
            var ok = true
            for lit in literals {
                if s.type == .gender {
                    if let g = gender(lit, for: s) { values.append(g.rawValue) } else { ok = false }
                } else {
                    if let b = bool(lit, for: s) { values.append(b ? 1 : 0) } else { ok = false }
                }
            }
            return ok ? .byteTable(field: s.field, table: RuleCompiler.byteTable(trueFor: values)) : nil
        default:
            var plans: [RulePlan] = []
            for lit in literals {
                if let p = compareWithLiteral(s, .equal, lit, operatorOffset: lit.offset) { plans.append(p) }
            }
            guard plans.count == literals.count, let first = plans.first else { return nil }
            return plans.count == 1 ? first : .or(plans)
        }
    }

    private mutating func compileBetween(_ a: RuleOperand, _ low: RuleOperand, _ high: RuleOperand) -> RulePlan? {
        guard let (s, offset) = subject(a, of: "BETWEEN") else {
            _ = resolve(low)
            _ = resolve(high)
            return nil
        }
        guard low.isLiteral && high.isLiteral else {
            // x BETWEEN a AND b is exactly x >= a AND x <= b, also for unknowns.
            let lo = compileCompare(a, .greaterOrEqual, low, operatorOffset: offset)
            let hi = compileCompare(a, .lessOrEqual, high, operatorOffset: offset)
            guard let lo, let hi else { return nil }
            return .and([lo, hi])
        }
        switch s.type {
        case .int:
            let lo = number(low, for: s), hi = number(high, for: s)
            guard let lo, let hi else { return nil }
            return intPlan(s, IntRange.between(lo, hi))
        case .decimal:
            let lo = number(low, for: s), hi = number(high, for: s)
            guard let lo, let hi else { return nil }
            return .decimalRange(field: s.field, low: lo.double, high: hi.double)
        case .date, .hijriDate:
            let lo = day(low, for: s), hi = day(high, for: s)
            guard let lo, let hi else { return nil }
            return .dayRange(field: s.field, .identity, IntRange(low: lo, high: hi))
        case .text, .phone, .email:
            let lo = textKey(low, for: s), hi = textKey(high, for: s)
            guard let lo, let hi else { return nil }
            return .text(field: s.field, test: TextTest(kind: .range(low: lo, lowInclusive: true, high: hi, highInclusive: true),
                                                        phone: s.type == .phone))
        case .gender, .bool:
            fail(.typeMismatch, "BETWEEN needs a number, date or text; \(describe(s))", at: offset)
            return nil
        }
    }

    private mutating func compileIsEmpty(_ a: RuleOperand) -> RulePlan? {
        guard let (s, _) = subject(a, of: "IS EMPTY") else { return nil }
        if case .field(let f, let type) = s, type.isTextLike {
            return .text(field: f, test: TextTest(kind: .isEmpty, phone: false))
        }
        return .isMissing(field: s.field)
    }

    private mutating func compileText(_ a: RuleOperand, _ b: RuleOperand, keyword: String, startsWith: Bool) -> RulePlan? {
        guard let (s, offset) = subject(a, of: keyword) else {
            _ = resolve(b)
            return nil
        }
        guard case .field(let f, let type) = s, type.isTextLike else {
            fail(.typeMismatch, "\(keyword) works on text fields; \(describe(s))", at: offset)
            _ = resolve(b)
            return nil
        }
        guard case .string(let text) = b.kind else {
            if resolve(b) != nil {
                fail(.typeMismatch, "\(keyword) needs text in quotes, not \(b.canonical)", at: b.offset,
                     hint: "write \(keyword) '\(b.canonical)'")
            }
            return nil
        }
        let key = type == .phone ? LiteralReading.phoneFragment(text) : ArabicText.normalize(text)
        return .text(field: f, test: TextTest(kind: startsWith ? .startsWith(key) : .contains(key), phone: type == .phone))
    }

    private static func trimmed(_ text: String) -> String {
        var chars = Substring(text)
        while let c = chars.first, c.isWhitespace { chars.removeFirst() }
        while let c = chars.last, c.isWhitespace { chars.removeLast() }
        return String(chars)
    }
}
