import Foundation
import Testing
@testable import OutreachCore

/// Every locale the README lists, with each digits and calendar extension,
/// through every construct of a message. Foundation traps (SIGILL) on some
/// BCP 47 tags, so a regression here kills the test process: that is the
/// failing signal.
@Suite struct TemplateLocaleTests {
    /// Languages the README names (plural rules and examples), some with a region.
    static let bases = ["ar", "ar-SA", "ar-EG", "ar-AE", "en", "en-US", "fr", "ur", "ur-PK", "hi", "fa", "id", "fil", "bn"]
    static let extensions = ["", "-u-nu-arab", "-u-nu-latn", "-u-ca-gregory", "-u-ca-islamic-umalqura",
                             "-u-ca-islamic-umalqura-nu-arab", "-u-ca-gregory-nu-latn", "-u-nu-arab-ca-gregory"]
    static let locales = bases.flatMap { base in extensions.map { base + $0 } }

    /// One of every construct: plain values, number styles, plural with `#`,
    /// selectordinal, select, every date style, Hijri and Gregorian long
    /// forms, and the gender-aware built-in words.
    static let message = [
        "{n}", "{n, number}", "{n, number, integer}", "{p, number, percent}", "{neg, number}",
        "{n, plural, =0 {none} zero {z #} one {o #} two {t #} few {f #} many {m #} other {x #}}",
        "{k, plural, offset:1 one {o #} other {x #}}",
        "{k, selectordinal, one {#st} two {#nd} few {#rd} other {#th}}",
        "{g, select, male {M} female {F} other {O}}",
        "{d}", "{d, date, short}", "{d, date, medium}", "{d, date, long}", "{d, date, full}",
        "{d, date, hijri}", "{d, date, gregorian}",
        "{salutation} {role_resident_def}", "{salutation_parent}",
    ].joined(separator: "|")

    static let record = DictionaryRecord([
        "n": .decimal(1234.5), "p": .decimal(0.25), "neg": .int(-42), "k": .int(3), "g": .gender(.female),
        "d": .date(Day(iso: "2025-12-02")!), "gender": .gender(.female),
    ])

    /// Any Unicode decimal digit (٣, ۳, ৩, 3) as ASCII.
    static func asciiDigits(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { u in
            if u.properties.numericType == .decimal, let v = u.properties.numericValue {
                return Unicode.Scalar(UInt8(ascii: "0") + UInt8(v))
            }
            return u
        }))
    }

    static func decimalDigits(_ text: String) -> [Unicode.Scalar] {
        text.unicodeScalars.filter { $0.properties.numericType == .decimal }
    }

    @Test(arguments: locales)
    func everyConstructRendersInEveryListedLocale(_ tag: String) throws {
        for channel in [Channel.sms, .email] {
            let template = try CompiledTemplate(text: SourceText(Self.message), locale: tag, channel: channel)
            let text = try template.render(Self.record).get().text
            let fields = text.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            try #require(fields.count == 18, "\(tag): \(text)")
            for (i, field) in fields.enumerated() {
                #expect(!field.isEmpty, "\(tag): field \(i) is empty in \(text)")
            }
            // The number as shown, in any digits.
            #expect(Self.asciiDigits(fields[1]).contains("234"), "\(tag): \(fields[1])")
            #expect(Self.asciiDigits(fields[4]).contains("42"), "\(tag): \(fields[4])")
            #expect(fields[8] == "F")
            // Digits asked for are the digits of every number, day and year. (Not of
            // short and medium dates: ICU abbreviates some Hijri months with a digit
            // of their own, جما٢ for Jumada II, in the locale's native digits.)
            let numeric = [0, 1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15].map { fields[$0] }.joined(separator: "|")
            if tag.contains("nu-arab") {
                #expect(Self.decimalDigits(numeric).allSatisfy { (0x0660...0x0669).contains($0.value) }, "\(tag): \(numeric)")
            } else if tag.contains("nu-latn") {
                #expect(Self.decimalDigits(numeric).allSatisfy { $0.isASCII }, "\(tag): \(numeric)")
            }
            // The calendar asked for (or ar-SA's pinned one) is the calendar of {d, date, long}.
            let long = Self.asciiDigits(fields[12])
            if tag.contains("ca-islamic-umalqura") || (tag.hasPrefix("ar-SA") && !tag.contains("ca-")) {
                #expect(long.contains("1447"), "\(tag): \(fields[12])")
            } else if tag.contains("ca-gregory") {
                #expect(long.contains("2025"), "\(tag): \(fields[12])")
            }
            #expect(Self.asciiDigits(fields[14]).contains("1447"), "\(tag): \(fields[14])")
            #expect(Self.asciiDigits(fields[15]).contains("2025"), "\(tag): \(fields[15])")
        }
    }

    @Test(arguments: [
        ("ar-u-nu-arab", "{n}", Value.int(1), "١"),
        ("ar-u-nu-arab", "{n, number}", .decimal(1234.5), "١٬٢٣٤٫٥"),
        ("ar-SA-u-nu-arab", "{n}", .int(1), "١"),
        ("ar-SA-u-nu-arab", "{d, date, long}", .date(Day(iso: "2025-12-02")!), "١١ جمادى الآخرة، ١٤٤٧ هـ"),
        ("ar-u-nu-arab", "{d, date, short}", .date(Day(iso: "2025-12-02")!), "٢/١٢/٢٠٢٥"),
        ("en-u-nu-latn", "{n, number}", .decimal(1234.5), "1,234.5"),
        ("fa-u-nu-arab", "{n}", .int(15), "١٥"),
        ("fa", "{n}", .int(15), "۱۵"),
        ("ar-SA-u-nu-latn", "{n, number}", .decimal(1234.5), "1,234.5"),
    ])
    func tagsFoundationTrappedOnNowRender(_ tag: String, _ text: String, _ value: Value, _ expected: String) throws {
        let key = text.dropFirst().prefix { $0.isLetter }
        #expect(try renderedText(text, locale: tag, [String(key): value]) == expected)
    }

    @Test func foundationIsGivenTheICUFormWithAnExplicitCalendar() throws {
        #expect(try TemplateLocale("ar-SA-u-nu-arab").foundationIdentifier == "ar_SA@calendar=islamic-umalqura;numbers=arab")
        #expect(try TemplateLocale("ar-u-ca-gregory-nu-latn").foundationIdentifier == "ar@calendar=gregorian;numbers=latn")
        #expect(try TemplateLocale("en").foundationIdentifier == "en@calendar=gregorian")
        #expect(try TemplateLocale("ur-Arab-PK").foundationIdentifier == "ur_Arab_PK@calendar=gregorian")
    }

    @Test(arguments: ["ar-u-ca-foo", "ar-SA-u-ca-dangi", "en-u-ca-islamic-rgsa", "ar-u-nu-arabext", "ar-u-nu-deva"])
    func unsupportedExtensionsAreClearErrorsNotCrashes(_ tag: String) {
        #expect(throws: OutreachError.self) { try TemplateLocale(tag) }
        do {
            _ = try CompiledTemplate(text: SourceText("{n}"), locale: tag)
            Issue.record("\(tag) was accepted")
        } catch {
            #expect(error.message.contains("is not supported"), "\(error)")
            #expect(error.message.contains(tag))
        }
    }

    // MARK: ar-SA pinned to Umm al-Qura

    @Test func arSAIsUmmAlQuraEvenWhenICUDefaultsToGregorian() {
        // CLDR 47 makes Gregorian the default of ar-SA: the pin must not follow it.
        #expect(TemplateLocale.defaultCalendar(language: "ar", region: "SA", icuDefault: .gregorian) == .ummAlQura)
        #expect(TemplateLocale.defaultCalendar(language: "ar", region: "EG", icuDefault: .gregorian) == .gregorian)
        #expect(TemplateLocale.defaultCalendar(language: "en", region: "SA", icuDefault: .gregorian) == .gregorian)
        #expect(TemplateLocale.defaultCalendar(language: "fa", region: nil, icuDefault: .persian) == .other("persian"))
    }

    @Test func arSADatesNameTheCalendarExplicitly() throws {
        let locale = try TemplateLocale("ar-SA")
        #expect(locale.calendar == .ummAlQura)
        #expect(locale.foundationIdentifier == "ar_SA@calendar=islamic-umalqura")
        let day = Value.date(Day(iso: "2025-12-02")!)
        let short = try renderedText("{d, date, short}", locale: "ar-SA", ["d": day])
        #expect(short == "١١ جما٢، ١٤٤٧ هـ")  // ICU's short Umm al-Qura form
        #expect(short == (try renderedText("{d, date, short}", locale: "ar-SA-u-ca-islamic-umalqura", ["d": day])))
        #expect(short != (try renderedText("{d, date, short}", locale: "ar-SA-u-ca-gregory", ["d": day])))
        #expect(try TemplateLocale("ar-SA-u-ca-gregory").calendar == .gregorian)
    }
}
