import Foundation
import Testing
@testable import OutreachCore

struct TemplateRenderTests {
    static let december2 = Day(iso: "2025-12-02")!

    static func foundationDate(_ day: Day, locale: String, style: DateFormatter.Style) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: locale)
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateStyle = style
        f.timeStyle = .none
        return f.string(from: Date(timeIntervalSince1970: Double(day.daysSinceEpoch) * 86_400 + 43_200))
    }

    // MARK: Numbers

    @Test(arguments: [
        ("ar-SA", "{n, number}", Value.int(1234567), "١٬٢٣٤٬٥٦٧"),
        ("ar-SA-u-nu-latn", "{n, number}", .int(1234567), "1,234,567"),
        ("ar-SA", "{n, number}", .decimal(2.5), "٢٫٥"),
        ("ar-SA", "{n}", .int(42), "٤٢"),
        ("en", "{n, number}", .decimal(1234.5678), "1,234.568"),
        ("en", "{n, number, integer}", .decimal(2.5), "2"),
        ("en", "{n, number, integer}", .decimal(3.5), "4"),
        ("en", "{n, number, percent}", .decimal(0.25), "25%"),
        ("fr", "{n, number}", .int(1234), "1\u{202F}234"),
        ("en", "{n, number}", .text("٣٥"), "35"),
        ("ar", "{n, number}", .int(35), "35"),
    ])
    func numbersFollowTheLocaleDigits(locale: String, text: String, value: Value, expected: String) throws {
        #expect(try renderedText(text, locale: locale, ["n": value]) == expected)
    }

    // MARK: Dates

    @Test(arguments: ["ar-SA", "ar-SA-u-ca-gregory", "ar-SA-u-nu-latn", "en", "en-US", "fr", "ur"])
    func dateStylesEqualFoundationsICU(locale: String) throws {
        let day = Self.december2
        let template = try CompiledTemplate(text: SourceText("{d, date, short}|{d, date, medium}|{d, date, long}|{d, date, full}|{d}"),
                                            locale: locale, channel: .email)
        let out = try template.render(DictionaryRecord(["d": .date(day)])).get().text
        let expected = [DateFormatter.Style.short, .medium, .long, .full, .medium]
            .map { Self.foundationDate(day, locale: locale, style: $0) }.joined(separator: "|")
        #expect(out == expected)
    }

    @Test func arSADefaultsToUmmAlQuraAndGregoryExtensionSwitches() throws {
        let hijri = try renderedText("{d, date, long}", locale: "ar-SA", ["d": .date(Self.december2)])
        #expect(hijri == "١١ جمادى الآخرة، ١٤٤٧ هـ")
        let gregorian = try renderedText("{d, date, long}", locale: "ar-SA-u-ca-gregory", ["d": .date(Self.december2)])
        #expect(gregorian == "٢ ديسمبر، ٢٠٢٥")
    }

    @Test func hijriAndGregorianLongFormsInOneMessage() throws {
        let text = "موعدكم {d, date, hijri} الموافق {d, date, gregorian}"
        #expect(try renderedText(text, locale: "ar-SA", ["d": .date(Self.december2)])
                == "موعدكم ١١ جمادى الآخرة ١٤٤٧هـ الموافق ٢ ديسمبر ٢٠٢٥م")
        #expect(try renderedText(text, locale: "ar-SA-u-nu-latn", ["d": .date(Self.december2)])
                == "موعدكم 11 جمادى الآخرة 1447هـ الموافق 2 ديسمبر 2025م")
        #expect(try renderedText("{d, date, hijri} ({d, date, gregorian})", locale: "en", ["d": .date(Self.december2)])
                == "11 Jumada II 1447 AH (2 December 2025)")
    }

    @Test func isoTextWorksAsADate() throws {
        #expect(try renderedText("{d, date, gregorian}", locale: "en", ["d": .text("2026-02-18")]) == "18 February 2026")
        #expect(try renderedText("{d, date, hijri}", locale: "en", ["d": .text("2026-02-18")]) == "1 Ramadan 1447 AH")
        let bad = try renderText("{d, date}", ["d": .text("soon")])
        #expect(bad == .failure(RenderFailure(reason: "d is not a date (YYYY-MM-DD)", field: "d")))
    }

    @Test func hijriOutsideTheTableFails() throws {
        let result = try renderText("{d, date, hijri}", ["d": .date(Day(iso: "1900-01-01")!)])
        guard case .failure(let failure) = result else {
            Issue.record("expected failure")
            return
        }
        #expect(failure.field == "d")
    }

    // MARK: Select, salutation, built-ins

    @Test(arguments: [
        (Value.gender(.male), "عزيزي أحمد"), (.gender(.female), "عزيزتي أحمد"), (.text("other"), "عزيزي/عزيزتي أحمد"),
    ])
    func selectOnGender(gender: Value, expected: String) throws {
        let text = "{gender, select, male {عزيزي} female {عزيزتي} other {عزيزي/عزيزتي}} {name}"
        #expect(try renderedText(text, locale: "ar-SA", ["gender": gender, "name": .text("أحمد")]) == expected)
    }

    @Test func selectOnMissingUsesOtherAndOnBool() throws {
        let text = "{gender, select, male {m} other {o}}"
        #expect(try renderedText(text, [:]) == "o")
        #expect(try renderedText("{ok, select, true {yes} false {no} other {?}}", ["ok": .bool(false)]) == "no")
        #expect(try renderedText("{ok, select, true {yes} false {no} other {?}}", ["ok": .bool(true)]) == "yes")
    }

    @Test(arguments: [
        ("ar", Value?.some(.gender(.male)), "عزيزي"),
        ("ar", .some(.gender(.female)), "عزيزتي"),
        ("ar", nil, "عزيزي/عزيزتي"),
        ("ar", .some(.text("female")), "عزيزتي"),
        ("en", .some(.gender(.male)), "Dear"),
        ("en", .some(.gender(.female)), "Dear"),
        ("en", nil, "Dear"),
    ])
    func salutationFollowsGender(locale: String, gender: Value?, expected: String) throws {
        var values: [String: Value] = [:]
        if let gender { values["gender"] = gender }
        #expect(try renderedText("{salutation}", locale: locale, values) == expected)
    }

    @Test func roleWordsAndFieldOfTheSameNameWins() throws {
        let text = "{role_parent} / {role_student} / {role_citizen}"
        #expect(try renderedText(text, locale: "ar", ["gender": .gender(.female)]) == "ولية الأمر / طالبة / مواطنة")
        #expect(try renderedText(text, locale: "ar", ["gender": .gender(.male)]) == "ولي الأمر / طالب / مواطن")
        #expect(try renderedText(text, locale: "en", ["gender": .gender(.male)]) == "parent / student / citizen")
        #expect(try renderedText("{salutation}", locale: "ar", ["salutation": .text("سعادة"), "gender": .gender(.male)]) == "سعادة")
        #expect(try renderedText("{role_child}", locale: "en", ["gender": .gender(.female)]) == "daughter")
    }

    // MARK: Failures

    @Test func missingFieldFailsWithAReason() throws {
        let result = try renderText("Hello {first_name}", [:])
        #expect(result == .failure(RenderFailure(reason: "missing first_name", field: "first_name")))
        #expect(try renderText("Hello {first_name}", ["first_name": .text("  ")])
                == .failure(RenderFailure(reason: "missing first_name", field: "first_name")))
        #expect(try renderText("{n, plural, other {#}}", [:]) == .failure(RenderFailure(reason: "missing n", field: "n")))
        #expect(try renderText("{n, plural, other {#}}", ["n": .decimal(.nan)]) == .failure(RenderFailure(reason: "missing n", field: "n")))
        #expect(try renderText("{n, number}", ["n": .text("many")])
                == .failure(RenderFailure(reason: "n is not a number", field: "n")))
        #expect(try renderText("{n, number}", ["n": .bool(true)]) == .failure(RenderFailure(reason: "n is not a number", field: "n")))
        // A missing field only in the branch not taken does not fail.
        #expect(try renderedText("{g, select, male {{x}} other {ok}}", ["g": .text("f")]) == "ok")
    }

    // MARK: Variants and fallback

    static func bilingual(fallback: String? = "en") -> TemplateSpec {
        TemplateSpec(name: "reminder", title: "Reminder", channel: "sms", locale: "ar-SA", fallback: fallback, variants: [
            .init(language: "ar", text: SourceText("{salutation} {name}، موعدك {d, date, hijri}")),
            .init(language: "en", text: SourceText("{salutation} {name}, your appointment is on {d, date, gregorian}")),
        ])
    }

    @Test func languageFieldPicksTheVariantWithFallback() throws {
        let template = try CompiledTemplate(Self.bilingual(), defaultLocale: "ar-SA")
        #expect(template.languages == ["ar", "en"])
        #expect(template.channel == .sms)
        #expect(template.title == "Reminder")
        #expect(template.arguments == ["salutation", "name", "d"])
        #expect(template.recipientFields == ["name", "d", "gender"])
        let base: [String: Value] = ["name": .text("Sara"), "gender": .gender(.female), "d": .date(Self.december2)]
        func render(_ language: Value?) throws -> RenderedMessage {
            var values = base
            values["language"] = language
            return try template.render(DictionaryRecord(values)).get()
        }
        #expect(try render(.text("ar")).text == "عزيزتي Sara، موعدك ١١ جمادى الآخرة ١٤٤٧هـ")
        #expect(try render(.text("ar-SA")).language == "ar")
        #expect(try render(.text("AR")).language == "ar")
        #expect(try render(.text("en")).text == "Dear Sara, your appointment is on 2 December 2025")
        #expect(try render(.text("fr")).language == "en")
        #expect(try render(nil).language == "en")
        let firstVariantFallback = try CompiledTemplate(Self.bilingual(fallback: nil), defaultLocale: "ar-SA")
        #expect(firstVariantFallback.render(DictionaryRecord(base)).map(\.language) == .success("ar"))
    }

    @Test func singleLanguageFileWithoutLocaleUsesTheProjectDefault() throws {
        let spec = TemplateSpec(name: "one", variants: [.init(language: "", text: SourceText("{n, plural, few {# رسائل} other {# رسالة}}"))])
        let template = try CompiledTemplate(spec, defaultLocale: "ar-SA")
        #expect(template.languages == ["ar"])
        #expect(template.channel == .sms)
        #expect(template.render(DictionaryRecord(["n": .int(5), "language": .text("en")])).map(\.text) == .success("٥ رسائل"))
    }

    @Test func smsHasNoBidiMarksButEmailKeepsICUOutput() throws {
        let day = Self.december2
        let sms = try renderedText("{d, date, short}", locale: "ar-EG", ["d": .date(day)])
        #expect(sms == "٢/١٢/٢٠٢٥")
        let emailTemplate = try CompiledTemplate(text: SourceText("{d, date, short}"), locale: "ar-EG", channel: .email)
        let email = try emailTemplate.render(DictionaryRecord(["d": .date(day)])).get().text
        #expect(email == Self.foundationDate(day, locale: "ar-EG", style: .short))
        #expect(email.unicodeScalars.contains("\u{200F}"))
    }

    // MARK: HTML

    static func email(html: String, language: String = "ar") -> TemplateSpec {
        TemplateSpec(name: "notice", channel: "email", locale: language == "ar" ? "ar-SA" : "en", variants: [
            .init(language: language, text: SourceText("{name}"), subject: SourceText("مرحبا {name}"), html: SourceText(html)),
        ])
    }

    @Test func htmlEscapesAndIsolatesValuesAndWrapsFragments() throws {
        let template = try CompiledTemplate(Self.email(html: "<p>{salutation} {name}</p>"), defaultLocale: "ar-SA")
        let record = DictionaryRecord(["name": .text("Tom <b>&</b> \"Jerry\""), "gender": .gender(.male)])
        let message = try template.render(record).get()
        #expect(message.html == "<div dir=\"rtl\" lang=\"ar-SA\"><p><bdi>عزيزي</bdi> <bdi>Tom &lt;b&gt;&amp;&lt;/b&gt; &quot;Jerry&quot;</bdi></p></div>")
        #expect(message.text == "Tom <b>&</b> \"Jerry\"")
        #expect(message.subject == "مرحبا Tom <b>&</b> \"Jerry\"")
    }

    @Test func htmlDocumentGetsAttributesOnTheHtmlTag() throws {
        let template = try CompiledTemplate(Self.email(html: "<!doctype html><HTML><body><a href=\"https://x.example/?id={name}\">{name}</a></body></HTML>"),
                                            defaultLocale: "ar-SA")
        let message = try template.render(DictionaryRecord(["name": .text("a&b")])).get()
        #expect(message.html == "<!doctype html><HTML dir=\"rtl\" lang=\"ar-SA\"><body><a href=\"https://x.example/?id=a&amp;b\"><bdi>a&amp;b</bdi></a></body></HTML>")
        let keeps = try CompiledTemplate(Self.email(html: "<html lang=\"ar\"><body>x</body></html>"), defaultLocale: "ar-SA")
        #expect(try keeps.render(DictionaryRecord(["name": .text("n")])).get().html
                == "<html dir=\"rtl\" lang=\"ar\"><body>x</body></html>")
        let english = try CompiledTemplate(Self.email(html: "<p>{name}</p>", language: "en"), defaultLocale: "en")
        #expect(try english.render(DictionaryRecord(["name": .text("n")])).get().html == "<div dir=\"ltr\" lang=\"en\"><p><bdi>n</bdi></p></div>")
    }

    // MARK: Spec checks

    @Test func specErrorsAreReported() throws {
        var spec = Self.bilingual()
        spec.channel = "fax"
        #expect(throws: OutreachError.self) { try CompiledTemplate(spec, defaultLocale: "ar-SA") }

        spec = Self.bilingual(fallback: "de")
        #expect(CompiledTemplate.check(spec, defaultLocale: "ar-SA").map(\.message).contains { $0.contains("fallback 'de' has no variant") })

        spec = Self.bilingual()
        spec.variants[0].html = SourceText("<p>x</p>", file: "t.yaml", line: 7, column: 9)
        spec.variants[1].text = SourceText("{x, foo}", file: "t.yaml", line: 9, column: 9)
        let errors = CompiledTemplate.check(spec, defaultLocale: "ar-SA")
        #expect(errors.count == 2)
        #expect(errors.contains { $0.message == "html is only for email templates" && $0.location?.line == 7 })
        #expect(errors.contains { $0.message == "unknown argument type 'foo'" && $0.location == SourceLocation(file: "t.yaml", line: 9, column: 13) })

        var email = Self.email(html: "<p/>")
        email.variants[0].subject = nil
        #expect(CompiledTemplate.check(email, defaultLocale: "ar-SA").count == 1)
        #expect(CompiledTemplate.check(Self.bilingual(), defaultLocale: "ar-SA").isEmpty)
        var noLocale = Self.bilingual()
        noLocale.locale = nil
        #expect(CompiledTemplate.check(noLocale, defaultLocale: "not a locale!").count == 1)
        #expect(CompiledTemplate.check(noLocale, defaultLocale: "ar-SA").isEmpty)
    }

    @Test func localeTagsAreParsed() throws {
        let sa = try TemplateLocale("ar-SA")
        #expect(sa.language == "ar" && sa.region == "SA" && sa.digits == .arabic && sa.calendar == .ummAlQura && sa.isRightToLeft)
        let latn = try TemplateLocale("ar_sa-u-nu-latn")
        #expect(latn.identifier == "ar-SA-u-nu-latn" && latn.digits == .latin && latn.calendar == .ummAlQura)
        let greg = try TemplateLocale("ar-SA-u-ca-gregory-nu-arab")
        #expect(greg.calendar == .gregorian && greg.digits == .arabic)
        let uq = try TemplateLocale("en-u-ca-islamic-umalqura")
        #expect(uq.calendar == .ummAlQura && uq.digits == .latin && !uq.isRightToLeft)
        #expect(try TemplateLocale("ar").digits == .latin)
        #expect(try TemplateLocale("tl").language == "fil")
        #expect(throws: OutreachError.self) { try TemplateLocale("a") }
        #expect(throws: OutreachError.self) { try TemplateLocale("ar-SA-u-nu-thai") }
        #expect(throws: OutreachError.self) { try TemplateLocale("ar-S@") }
    }

    @Test func concurrentRenderingSharesCaches() async throws {
        let template = try CompiledTemplate(Self.bilingual(), defaultLocale: "ar-SA")
        let texts = await withTaskGroup(of: String.self) { group in
            for i in 0..<8 {
                group.addTask {
                    var last = ""
                    for j in 0..<500 {
                        let record = DictionaryRecord(["name": .text("n"), "d": .date(Day(daysSinceEpoch: 20_000 + Int32(j % 30))),
                                                       "language": .text(i % 2 == 0 ? "ar" : "en")])
                        last = (try? template.render(record).get().text) ?? "failed"
                    }
                    return last
                }
            }
            var all: [String] = []
            for await t in group { all.append(t) }
            return all
        }
        #expect(texts.count == 8)
        #expect(!texts.contains("failed"))
        #expect(Set(texts).count == 2)
    }
}
