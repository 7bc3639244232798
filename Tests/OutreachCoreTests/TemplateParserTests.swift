import Testing
@testable import OutreachCore

/// Renders a bare message with a dictionary record (helper for parser tests).
func renderText(_ text: String, locale: String = "en", _ values: [String: Value] = [:]) throws -> Result<RenderedMessage, RenderFailure> {
    let template = try CompiledTemplate(text: SourceText(text), locale: locale)
    return template.render(DictionaryRecord(values))
}

func renderedText(_ text: String, locale: String = "en", _ values: [String: Value] = [:]) throws -> String? {
    try? renderText(text, locale: locale, values).get().text
}

struct TemplateParserTests {
    @Test func argumentsAreCollectedFromNestedMessages() throws {
        let m = try MessageTemplate.parse(SourceText(
            "{salutation} {first_name}, {n, plural, one {# visit on {d, date, long}} other {{g, select, male {x} other {#}}}}"))
        #expect(m.arguments == ["salutation", "first_name", "n", "d", "g"])
        #expect(m.builtinsUsed == ["salutation"])
        #expect(m.recipientFields == ["first_name", "n", "d", "g", "gender"])
    }

    @Test(arguments: [
        ("It''s {n}", "It's 5"),
        ("'{n}' is {n}", "{n} is 5"),
        ("don't {n}", "don't 5"),
        ("a '{'{n}'}' b", "a {5} b"),
        ("'{quoted ''x'' to end", "{quoted 'x' to end"),
        ("# stays outside plural {n}", "# stays outside plural 5"),
        ("{n, plural, other {'#' is #}}", "# is 5"),
        ("{n, plural, other {it''s #}}", "it's 5"),
        ("x'|y", "x'|y"),
    ])
    func apostropheQuotingFollowsICU(pattern: String, expected: String) throws {
        #expect(try renderedText(pattern, ["n": .int(5)]) == expected)
    }

    @Test func poundInNestedPluralRefersToInnermost() throws {
        let text = "{a, plural, other {# apples and {b, plural, one {# pear} other {# pears}}}}"
        #expect(try renderedText(text, ["a": .int(3), "b": .int(1)]) == "3 apples and 1 pear")
        #expect(try renderedText(text, ["a": .int(3), "b": .int(4)]) == "3 apples and 4 pears")
    }

    @Test func poundInsideSelectInsidePluralIsLiteralAsInICU() throws {
        let text = "{n, plural, other {{g, select, other {#}}}}"
        #expect(try renderedText(text, ["n": .int(2), "g": .text("x")]) == "#")
    }

    @Test func offsetShiftsPoundAndCategoryButNotExactMatches() throws {
        let text = "{n, plural, offset:1 =0 {nobody} =1 {you} one {you and # other} other {you and # others}}"
        #expect(try renderedText(text, ["n": .int(0)]) == "nobody")
        #expect(try renderedText(text, ["n": .int(1)]) == "you")
        #expect(try renderedText(text, ["n": .int(2)]) == "you and 1 other")
        #expect(try renderedText(text, ["n": .int(5)]) == "you and 4 others")
        let spaced = "{n, plural, offset: 2 other {#}}"
        #expect(try renderedText(spaced, ["n": .int(5)]) == "3")
    }

    @Test func whitespaceAroundSyntaxIsAllowed() throws {
        let text = "{ n , plural ,\n  one { one }\n  other { many } }"
        #expect(try renderedText(text, ["n": .int(1)]) == " one ")
    }

    struct ErrorCase: Sendable, CustomStringConvertible {
        var text: String
        var message: String
        var line: Int
        var column: Int
        var description: String { text }
    }

    // The template starts at line 5, column 9 of its file; later lines at column 7.
    @Test(arguments: [
        ErrorCase(text: "Hello {name", message: "unclosed '{'", line: 5, column: 15),
        ErrorCase(text: "Hello name}", message: "unmatched '}'", line: 5, column: 19),
        ErrorCase(text: "Hi\n{x, foo}", message: "unknown argument type 'foo'", line: 6, column: 11),
        ErrorCase(text: "Hi\n  {g, select, male {a} female {b}}", message: "select without an 'other' case", line: 6, column: 9),
        ErrorCase(text: "{n, plural, one {a}}", message: "plural without an 'other' case", line: 5, column: 9),
        ErrorCase(text: "{n, plural, some {a} other {b}}", message: "unknown plural case 'some'", line: 5, column: 21),
        ErrorCase(text: "{n, plural, one {a} one {b} other {c}}", message: "duplicate plural case 'one'", line: 5, column: 29),
        ErrorCase(text: "{d, date, weekly}", message: "unknown date style 'weekly'", line: 5, column: 19),
        ErrorCase(text: "{n, number, money}", message: "unknown number style 'money'", line: 5, column: 21),
        ErrorCase(text: "a {}", message: "expected a field name after '{'", line: 5, column: 12),
        ErrorCase(text: "{g, select, male x}", message: "expected '{' after 'male'", line: 5, column: 26),
        ErrorCase(text: "{g, select, other {x}", message: "unclosed '{'", line: 5, column: 9),
        ErrorCase(text: "{n, plural, other {x {y}", message: "unclosed '{'", line: 5, column: 27),
        ErrorCase(text: "{g, select}", message: "select needs cases: {g, select, … other {…}}", line: 5, column: 19),
    ])
    func errorsAreLocatedInTheFile(_ c: ErrorCase) {
        let source = SourceText(c.text, file: "templates/t.yaml", line: 5, column: 9, continuationColumn: 7)
        #expect(throws: OutreachError.self) { try MessageTemplate.parse(source) }
        do {
            _ = try MessageTemplate.parse(source)
        } catch {
            #expect(error.code == .syntax)
            #expect(error.message == c.message)
            #expect(error.location == SourceLocation(file: "templates/t.yaml", line: c.line, column: c.column))
            #expect(error.sourceLine != nil)
        }
    }

    @Test func errorDescriptionShowsLineAndCaret() {
        let source = SourceText("مرحبا {name, foo}", file: "t.yaml", line: 5, column: 9)
        do {
            _ = try MessageTemplate.parse(source)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix("t.yaml:5:22: error: unknown argument type 'foo'"))
            #expect(error.description.contains("مرحبا {name, foo}"))
        }
    }
}
