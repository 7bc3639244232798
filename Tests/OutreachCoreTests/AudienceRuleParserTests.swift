import Testing
@testable import OutreachCore

@Suite struct AudienceRuleParserTests {
    typealias F = AudienceRuleFixture

    @Test(arguments: [
        ("a OR b AND NOT c", "(a OR (b AND NOT c))"),
        ("NOT a AND b", "(NOT a AND b)"),
        ("not a or b", "(NOT a OR b)"),
        ("(a OR b) AND c", "((a OR b) AND c)"),
        ("a = 1 OR b = 2 OR c = 3", "(a = 1 OR b = 2 OR c = 3)"),
        ("a AND b OR c AND d", "((a AND b) OR (c AND d))"),
        ("x BETWEEN 1 AND 5 AND vip", "(x BETWEEN 1 AND 5 AND vip)"),
        ("x NOT IN (1, 2)", "NOT x IN (1, 2)"),
        ("x not between -1 and 2.5", "NOT x BETWEEN -1 AND 2.5"),
        ("x IS NOT EMPTY", "NOT x IS EMPTY"),
        ("x <> 'a''b'", "x != 'a''b'"),
        ("x starts with \"q\"\"\"", "x STARTS WITH 'q\"'"),
        ("NOT IN AUDIENCE vips", "NOT IN AUDIENCE vips"),
        ("age(b) >= ١٨", "age(b) >= 18"),
        ("`first name` = 'x'", "`first name` = 'x'"),
        ("city IN ('a'، 'b')", "city IN ('a', 'b')"),
    ])
    func canonicalForm(_ rule: String, _ expected: String) throws {
        #expect(try AudienceRule.parse(SourceText(rule)).description == expected)
    }

    @Test func referencedAudiences() throws {
        let rule = try AudienceRule.parse(SourceText("IN AUDIENCE a AND (vip OR NOT IN AUDIENCE b)"))
        #expect(rule.referencedAudiences == ["a", "b"])
    }

    @Test(arguments: [
        ("", 0, "empty"),
        ("city = ", 7, "expected a value after '='"),
        ("city = 'x", 7, "no closing '"),
        ("(vip", 0, "expected ')'"),
        ("vip)", 3, "no matching '('"),
        ("city IS 'x'", 8, "expected EMPTY"),
        ("visits BETWEEN 1 5", 17, "expected AND"),
        ("vip AND", 7, "expected a condition"),
        ("vip vip", 4, "expected AND, OR"),
        ("city IN ()", 9, "list after IN is empty"),
        ("city IN ('a' 'b')", 13, "expected ',' or ')'"),
        ("city = AND", 7, "keyword AND"),
        ("visits > 5 $", 11, "unexpected character"),
        ("IN AUDIENCE", 11, "audience name"),
        ("1abc = 2", 0, "cannot start with a digit"),
    ])
    func syntaxErrors(_ rule: String, _ offset: Int, _ fragment: String) {
        do {
            _ = try AudienceRule.parse(SourceText(rule))
            Issue.record("expected a syntax error for \(rule)")
        } catch {
            #expect(error.code == .syntax)
            #expect(error.caretColumn == offset + 1, "\(rule): \(error)")
            #expect(error.message.contains(fragment), "\(rule): \(error.message)")
        }
    }

    @Test func errorIsLocatedInTheFile() {
        // `where: age(city) > 3` on line 4 of the file, the rule starting at column 8
        let source = SourceText("age(city) > 3", file: "audiences/a.yaml", line: 4, column: 8)
        let error = F.error("", source: source)
        #expect(error?.code == .typeMismatch)
        #expect(error?.location == SourceLocation(file: "audiences/a.yaml", line: 4, column: 12))
        #expect(error?.sourceLine == "age(city) > 3")
        #expect(error?.caretColumn == 5)
        #expect(error?.description.contains("audiences/a.yaml:4:12: error:") == true)
        #expect(error?.description.contains("\n    age(city) > 3\n        ^") == true)
    }

    @Test func errorOnAContinuationLine() {
        let source = SourceText("vip AND\n  citty = 'x'", file: "audiences/b.yaml", line: 4, column: 8, continuationColumn: 3)
        let error = F.error("", source: source)
        #expect(error?.code == .unknownField)
        #expect(error?.location?.line == 5)
        #expect(error?.location?.column == 5)
        #expect(error?.sourceLine == "  citty = 'x'")
        #expect(error?.caretColumn == 3)
    }

    @Test func syntaxErrorIsLocatedToo() {
        let source = SourceText("vip AND city = ", file: "audiences/c.yaml", line: 4, column: 8)
        do {
            _ = try AudienceRule.parse(source)
            Issue.record("expected an error")
        } catch {
            #expect(error.location == SourceLocation(file: "audiences/c.yaml", line: 4, column: 23))
            #expect(error.caretColumn == 16)
        }
    }

    @Test func unknownFieldSuggestsTheClosestName() throws {
        let error = try #require(F.error("citty = 'x'"))
        #expect(error.code == .unknownField)
        #expect(error.message.hasPrefix("unknown field 'citty'; fields are: "))
        #expect(error.message.contains("birth_date, city, email"))
        #expect(error.hint == "did you mean 'city'?")
        #expect(error.caretColumn == 1)
    }

    @Test func unknownFieldFarFromAnyNameSuggestsQuotes() throws {
        let error = try #require(F.error("gender = female"))
        #expect(error.code == .unknownField)
        #expect(error.hint?.contains("'female'") == true)
        #expect(error.caretColumn == 10)
    }

    @Test func unknownFunction() throws {
        let error = try #require(F.error("agee(birth_date) > 3"))
        #expect(error.code == .unknownName)
        #expect(error.message.contains("unknown function 'agee'"))
        #expect(error.hint == "did you mean 'age'?")
    }

    @Test(arguments: [
        ("age(city) > 3", 5, "age() takes a date field"),
        ("gender > 3", 10, "cannot compare a gender with the number 3"),
        ("gender > 'male'", 8, "only be compared with = or !="),
        ("city BETWEEN 1 AND 2", 14, "cannot compare text with the number 1"),
        ("city", 1, "not a yes/no field"),
        ("len(birth_date) > 3", 5, "len() takes a text field"),
        ("visits CONTAINS 'x'", 1, "CONTAINS works on text fields"),
        ("city CONTAINS 5", 15, "CONTAINS needs text in quotes"),
        ("birth_date > 5", 14, "cannot compare a date with the number 5"),
        ("visits = true", 10, "cannot compare a number with true"),
        ("city = birth_date", 8, "cannot compare these"),
        ("vip BETWEEN 'a' AND 'b'", 1, "BETWEEN needs a number, date or text"),
        ("'a' = 'b'", 1, "both sides"),
        ("5", 1, "is not a condition"),
        ("age(birth_date, 3) > 1", 1, "takes one argument"),
        ("age('2000-01-01') > 1", 5, "age() takes a date field"),
        ("city IN (name)", 10, "IN takes a list of values"),
    ])
    func typeMismatches(_ rule: String, _ caret: Int, _ fragment: String) throws {
        let error = try #require(F.error(rule))
        #expect(error.code == .typeMismatch, "\(rule): \(error)")
        #expect(error.caretColumn == caret, "\(rule): \(error)")
        #expect(error.message.contains(fragment), "\(rule): \(error.message)")
    }

    @Test(arguments: [
        ("birth_date < '2000-13-01'", 14, "'2000-13-01' is not a date (YYYY-MM-DD)"),
        ("birth_date BETWEEN '2000-01-01' AND 'soon'", 37, "'soon' is not a date"),
        ("gender = 'x'", 10, "'x' is not a gender"),
        ("mobile = '123'", 10, "'123' is not a phone number"),
        ("vip = 'maybe'", 7, "not a yes/no value"),
        ("vip = 2", 7, "not a yes/no value"),
        ("visits = 'abc'", 10, "'abc' is not a number"),
    ])
    func unreadableLiterals(_ rule: String, _ caret: Int, _ fragment: String) throws {
        let error = try #require(F.error(rule))
        #expect(error.code == .invalidValue, "\(rule): \(error)")
        #expect(error.caretColumn == caret, "\(rule): \(error)")
        #expect(error.message.contains(fragment), "\(rule): \(error.message)")
    }

    @Test func checkReportsEveryError() throws {
        let rule = try AudienceRule.parse(SourceText("citty = 'x' AND age(city) > 3 OR gender > 3 OR birth_date = '2000-02-30'"))
        let errors = rule.check(fieldTypes: F.population.fieldTypes)
        #expect(errors.map(\.code) == [.unknownField, .typeMismatch, .typeMismatch, .invalidValue])
        #expect(errors.map(\.caretColumn) == [1, 21, 43, 61])
    }
}
