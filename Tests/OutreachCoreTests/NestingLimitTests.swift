import Testing
@testable import OutreachCore

/// Deep input is a located error, long flat input just works. These run the
/// sizes that overflowed the stack before, so a regression crashes the test
/// process (segfault) rather than failing politely.
@Suite struct NestingLimitTests {
    typealias F = AudienceRuleFixture

    // MARK: Audience rules

    @Test func tenThousandNestedParenthesesAreALocatedError() {
        let rule = String(repeating: "(", count: 10_000) + "vip" + String(repeating: ")", count: 10_000)
        let source = SourceText(rule, file: "audiences/deep.yaml", line: 3, column: 8)
        do {
            _ = try AudienceRule.parse(source)
            Issue.record("10,000 nested parentheses were accepted")
        } catch {
            #expect(error.code == .syntax)
            #expect(error.message.contains("more than \(RuleParser.maxNesting) levels"), "\(error)")
            // At the first '(' past the limit: offset 64, column 8 + 64.
            #expect(error.location == SourceLocation(file: "audiences/deep.yaml", line: 3, column: 8 + RuleParser.maxNesting))
            // The 20,000-character line is cut around the caret, which still points at that '('.
            let line = Array(error.sourceLine ?? "")
            let caret = (error.caretColumn ?? 0) - 1
            #expect(line.count < 200)
            #expect(line.indices.contains(caret) && line[caret] == "(" && line.last == "…")
        }
    }

    @Test func tenThousandNOTsAreALocatedError() {
        let rule = String(repeating: "NOT ", count: 10_000) + "vip"
        do {
            _ = try AudienceRule.parse(SourceText(rule))
            Issue.record("10,000 NOTs were accepted")
        } catch {
            #expect(error.code == .syntax)
            #expect(error.location?.column == RuleParser.maxNesting * 4 + 1, "\(error.message)")
        }
    }

    @Test func nestingUpToTheLimitEvaluates() throws {
        let depth = RuleParser.maxNesting
        let parens = String(repeating: "(", count: depth) + "vip" + String(repeating: ")", count: depth)
        #expect(try F.members(parens) == [0, 3])
        // 64 levels alternating NOT and parentheses: an even number of NOTs.
        let mixed = String(repeating: "NOT (", count: depth / 2) + "vip" + String(repeating: ")", count: depth / 2)
        #expect(try F.members(mixed) == [0, 3])
    }

    @Test func nineThousandORsEvaluate() throws {
        // visits are 5, 0, missing, 12, 3: every present value is below 9,000.
        let rule = (0..<9_000).map { "visits = \($0)" }.joined(separator: " OR ")
        #expect(try F.members(rule) == [0, 1, 3, 4])
        let parsed = try AudienceRule.parse(SourceText(rule))
        #expect(parsed.check(fieldTypes: F.population.fieldTypes).isEmpty)
        #expect(parsed.description.hasPrefix("(visits = 0 OR visits = 1 OR"))
        #expect(parsed.referencedFields == ["visits"])
        // With a term no row meets, and with one that only the last term names.
        #expect(try F.members((1_000..<10_000).map { "visits = \($0)" }.joined(separator: " OR ")) == [])
        #expect(try F.members((100..<9_100).map { "visits = \($0)" }.joined(separator: " OR ") + " OR visits = 12") == [3])
    }

    @Test func nineThousandANDsAndALongINListEvaluate() throws {
        let ands = (0..<9_000).map { "visits >= -\($0)" }.joined(separator: " AND ")
        #expect(try F.members(ands) == [0, 1, 3, 4])
        // A numeric IN list is compiled to one OR of equalities.
        let list = "visits IN (" + (1..<9_001).map(String.init).joined(separator: ", ") + ")"
        #expect(try F.members(list) == [0, 3, 4])
        #expect(try F.members("NOT " + list) == [1])
    }

    @Test func errorsInLongChainsAreAllReported() throws {
        let rule = (0..<9_000).map { $0 % 3_000 == 7 ? "vistis = \($0)" : "visits = \($0)" }.joined(separator: " OR ")
        let errors = try AudienceRule.parse(SourceText(rule)).check(fieldTypes: F.population.fieldTypes)
        #expect(errors.count == 3)
        #expect(errors.allSatisfy { $0.code == .unknownField })
    }

    // MARK: Templates

    static func nestedSelects(_ depth: Int) -> String {
        String(repeating: "{g, select, female {", count: depth) + "x" + String(repeating: "} other {o}}", count: depth)
    }

    static func nestedPlurals(_ depth: Int) -> String {
        String(repeating: "{n, plural, one {", count: depth) + "#" + String(repeating: "} other {#}}", count: depth)
    }

    @Test(arguments: [("select", 5_000), ("plural", 3_000), ("select", MessageParser.maxNesting + 1)])
    func deepTemplatesAreALocatedError(_ kind: String, _ depth: Int) {
        let text = kind == "select" ? Self.nestedSelects(depth) : Self.nestedPlurals(depth)
        let source = SourceText(text, file: "templates/deep.yaml", line: 4, column: 9)
        do {
            _ = try CompiledTemplate(text: source, locale: "ar-SA")
            Issue.record("\(depth) nested \(kind)s were accepted")
        } catch {
            #expect(error.code == .syntax)
            #expect(error.message.contains("nested more than \(MessageParser.maxNesting) levels"), "\(error)")
            // At the '{' of the first argument past the limit.
            let open = (kind == "select" ? "{g, select, female {" : "{n, plural, one {").count * MessageParser.maxNesting
            #expect(error.location == SourceLocation(file: "templates/deep.yaml", line: 4, column: 9 + open))
        }
    }

    @Test func templatesNestedToTheLimitRender() throws {
        let depth = MessageParser.maxNesting
        #expect(try renderedText(Self.nestedSelects(depth), ["g": .text("female")]) == "x")
        #expect(try renderedText(Self.nestedSelects(depth), ["g": .text("male")]) == "o")
        #expect(try renderedText(Self.nestedPlurals(depth), ["n": .int(1)]) == "1")
    }
}
