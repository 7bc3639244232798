import Testing
@testable import OutreachCore

/// A field a template reads that the population does not have is an error
/// at its first use, with the closest known name offered.
@Suite struct TemplateFieldCheckTests {
    static let known: Set<String> = ["first_name", "gender", "children", "next_vaccination", "city"]

    static func errors(_ spec: TemplateSpec) throws -> [OutreachError] {
        try CompiledTemplate(spec, defaultLocale: "ar-SA").unknownFieldErrors(knownFields: known)
    }

    @Test func aMisspeltFieldIsLocatedWithASuggestion() throws {
        let text = SourceText("{salutation_resident} {firstname}،\n{chilren, plural, one {طفل} other {# أطفال}}",
                              file: "templates/t.yaml", line: 5, column: 9, continuationColumn: 5)
        let errors = try Self.errors(TemplateSpec(name: "t", variants: [.init(language: "ar", text: text)]))
        #expect(errors.count == 2)
        #expect(errors.first?.code == .unknownField)
        #expect(errors.first?.location == SourceLocation(file: "templates/t.yaml", line: 5, column: 32))
        #expect(errors.first?.message == "template 't' uses unknown field 'firstname'")
        #expect(errors.first?.hint == "did you mean 'first_name'?")
        #expect(errors.last?.location == SourceLocation(file: "templates/t.yaml", line: 6, column: 6))
        #expect(errors.last?.hint == "did you mean 'children'?")
    }

    @Test func builtInWordsAndKnownFieldsAreFine() throws {
        let text = SourceText("{salutation} {role_resident_def} {salutation_mother} {first_name} {gender, select, female {ي} other {}} {next_vaccination, date, hijri}")
        #expect(try Self.errors(TemplateSpec(name: "t", variants: [.init(language: "ar", text: text)])).isEmpty)
    }

    @Test func everyMessageOfEveryVariantIsChecked() throws {
        let spec = TemplateSpec(name: "mail", channel: "email", variants: [
            .init(language: "ar", text: SourceText("{first_name}"), subject: SourceText("{cty}")),
            .init(language: "en", text: SourceText("{first_name}"), subject: SourceText("Hi"), html: SourceText("<p>{zzz_unrelated}</p>")),
        ])
        let errors = try Self.errors(spec)
        #expect(errors.map(\.message) == ["template 'mail' uses unknown field 'cty'", "template 'mail' uses unknown field 'zzz_unrelated'"])
        #expect(errors.first?.hint == "did you mean 'city'?")
        #expect(errors.last?.hint == "add 'zzz_unrelated' to the population, or fix the name")
    }
}
