import Foundation

/// The calendar a locale shows `{d, date, short|medium|long|full}` in.
public enum TemplateCalendar: Sendable, Hashable {
    case gregorian
    case ummAlQura
    /// Any other calendar ICU knows, by its BCP 47 id (`persian`, `islamic-civil`, …).
    case other(String)

    init(bcp47 id: String) {
        switch id {
        case "gregory", "gregorian": self = .gregorian
        case "islamic-umalqura": self = .ummAlQura
        default: self = .other(id)
        }
    }
}

/// A BCP 47 locale tag as a template uses it: language, region, and the
/// Unicode extensions `-u-nu-arab|latn` (digits) and
/// `-u-ca-islamic-umalqura|gregory` (calendar of `date` formats).
///
/// Without extensions digits and calendar are ICU's defaults for the locale:
/// `ar-SA` has Arabic-Indic digits and the Umm al-Qura calendar, bare `ar`
/// Western digits and Gregorian (CLDR 42+). `digits` is `.latin` for locales
/// whose default is neither (Persian `arabext`); formatting itself always
/// goes through ICU, so the output is right either way.
public struct TemplateLocale: Sendable, Hashable, CustomStringConvertible {
    /// The tag normalised (`_` → `-`, case per BCP 47), as handed to ICU.
    public var identifier: String
    public var language: String
    public var script: String?
    public var region: String?
    public var digits: Digits
    public var calendar: TemplateCalendar
    /// Arabic, Persian, Urdu, Hebrew, Pashto, Kurdish (Sorani), Sindhi, Uyghur, Dhivehi, Yiddish.
    public var isRightToLeft: Bool

    public init(_ tag: String) throws(OutreachError) {
        let trimmed = tag.trimmingCharacters(in: .whitespaces)
        let subtags = trimmed.replacingOccurrences(of: "_", with: "-").split(separator: "-", omittingEmptySubsequences: false).map { $0.lowercased() }
        func invalid(_ why: String) -> OutreachError {
            OutreachError(.invalidValue, "invalid locale '\(tag)': \(why)", hint: "write a BCP 47 tag such as ar-SA, en, ar-SA-u-nu-latn or ar-SA-u-ca-gregory")
        }
        guard let first = subtags.first, (2...3).contains(first.count), first.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            throw invalid("expected a 2- or 3-letter language code first")
        }
        var language = first
        if language == "tl" { language = "fil" }
        var script: String?
        var region: String?
        var digits: Digits?
        var calendarID: String?
        var parts = [language]
        var i = 1
        if i < subtags.count, subtags[i].count == 4, subtags[i].allSatisfy({ $0.isASCII && $0.isLetter }) {
            let s = subtags[i].prefix(1).uppercased() + subtags[i].dropFirst()
            script = s
            parts.append(s)
            i += 1
        }
        if i < subtags.count,
           (subtags[i].count == 2 && subtags[i].allSatisfy({ $0.isASCII && $0.isLetter }))
            || (subtags[i].count == 3 && subtags[i].allSatisfy({ $0.isASCII && $0.isNumber })) {
            region = subtags[i].uppercased()
            parts.append(region!)
            i += 1
        }
        while i < subtags.count {
            let subtag = subtags[i]
            guard !subtag.isEmpty, subtag.count <= 8, subtag.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
                throw invalid("bad subtag '\(subtag)'")
            }
            if subtag == "u" {
                i += 1
                var key: String?
                var values: [String] = []
                func finish() throws(OutreachError) {
                    guard let k = key else { return }
                    let value = values.joined(separator: "-")
                    switch k {
                    case "nu":
                        guard let d = Digits(rawValue: value) else { throw invalid("numbering system '\(value)' is not supported (use latn or arab)") }
                        digits = d
                    case "ca":
                        guard !value.isEmpty else { throw invalid("-u-ca needs a calendar") }
                        calendarID = value
                    default:
                        break
                    }
                }
                while i < subtags.count, subtags[i].count != 1 {
                    let s = subtags[i]
                    guard s.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else { throw invalid("bad subtag '\(s)'") }
                    if s.count == 2 {
                        try finish()
                        key = s
                        values = []
                    } else {
                        values.append(s)
                    }
                    i += 1
                }
                try finish()
                continue
            }
            parts.append(subtag)
            i += 1
        }
        var extensions: [String] = []
        if let calendarID { extensions.append("ca-\(calendarID)") }
        if let digits { extensions.append("nu-\(digits.rawValue)") }
        if !extensions.isEmpty { parts.append("u-" + extensions.joined(separator: "-")) }
        let identifier = parts.joined(separator: "-")
        let icu = Locale(identifier: identifier)
        self.identifier = identifier
        self.language = language
        self.script = script
        self.region = region
        self.digits = digits ?? (icu.numberingSystem.identifier == "arab" ? .arabic : .latin)
        if let calendarID {
            self.calendar = TemplateCalendar(bcp47: calendarID)
        } else {
            switch icu.calendar.identifier {
            case .gregorian: self.calendar = .gregorian
            case .islamicUmmAlQura: self.calendar = .ummAlQura
            case .persian: self.calendar = .other("persian")
            case .islamic: self.calendar = .other("islamic")
            case .islamicCivil: self.calendar = .other("islamic-civil")
            case .islamicTabular: self.calendar = .other("islamic-tbla")
            default: self.calendar = .other("\(icu.calendar.identifier)")
            }
        }
        self.isRightToLeft = Self.rightToLeftLanguages.contains(language)
    }

    static let rightToLeftLanguages: Set<String> = ["ar", "fa", "ur", "he", "ps", "ckb", "sd", "ug", "dv", "yi"]

    public var description: String { identifier }
}
