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

    /// The `-u-ca-` values a template may use, BCP 47 id → ICU keyword.
    /// Others are refused when the locale is read: Foundation traps on a
    /// calendar ICU does not know (`-u-ca-foo`, `dangi`, `islamic-rgsa`), so
    /// only calendars the tests format in every listed locale are accepted.
    static let supported: [String: String] = [
        "gregory": "gregorian", "islamic-umalqura": "islamic-umalqura", "islamic": "islamic",
        "islamic-civil": "islamic-civil", "islamic-tbla": "islamic-tbla", "persian": "persian",
        "hebrew": "hebrew", "buddhist": "buddhist", "indian": "indian", "coptic": "coptic",
        "ethiopic": "ethiopic", "japanese": "japanese", "roc": "roc", "iso8601": "iso8601",
    ]

    /// The calendar's ICU keyword value (`gregorian`, `islamic-umalqura`, …).
    var icuKeyword: String {
        switch self {
        case .gregorian: return "gregorian"
        case .ummAlQura: return "islamic-umalqura"
        case .other(let id): return Self.supported[id] ?? id
        }
    }
}

/// A BCP 47 locale tag as a template uses it: language, region, and the
/// Unicode extensions `-u-nu-arab|latn` (digits) and
/// `-u-ca-islamic-umalqura|gregory` (calendar of `date` formats).
///
/// Without extensions digits and calendar are ICU's defaults for the locale:
/// `ar-SA` has Arabic-Indic digits, bare `ar` Western digits and Gregorian
/// (CLDR 42+). `digits` is `.latin` for locales whose default is neither
/// (Persian `arabext`); formatting itself always goes through ICU, so the
/// output is right either way. `ar-SA` is pinned to Umm al-Qura: CLDR 47
/// makes Gregorian its default, and a toolchain upgrade must not switch the
/// dates of campaigns already written.
///
/// Foundation is never handed the BCP 47 tag itself: it traps (SIGILL in
/// `NumberFormatter`/`DateFormatter`) on `ar-u-nu-arab`, `en-u-nu-latn`,
/// `fa-u-nu-arab` and unknown `-u-ca-` values. It gets `foundationIdentifier`,
/// the ICU form (`ar_SA@calendar=islamic-umalqura;numbers=arab`), which ICU
/// reads directly.
public struct TemplateLocale: Sendable, Hashable, CustomStringConvertible {
    /// The tag normalised (`_` → `-`, case per BCP 47).
    public var identifier: String
    /// What `Locale(identifier:)` is given: language, script and region in
    /// ICU form, the calendar always explicit, the digits when asked for.
    public var foundationIdentifier: String
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
                        let id = value == "gregorian" ? "gregory" : value
                        guard TemplateCalendar.supported[id] != nil else {
                            throw invalid("calendar '\(value)' is not supported (use \(TemplateCalendar.supported.keys.sorted().joined(separator: ", ")))")
                        }
                        calendarID = id
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
        // Defaults are read from the bare language-script-region, which
        // Foundation handles for any tag.
        let base = ([language] + [script, region].compactMap { $0 }).joined(separator: "_")
        let icu = Locale(identifier: base)
        self.identifier = identifier
        self.language = language
        self.script = script
        self.region = region
        self.digits = digits ?? (icu.numberingSystem.identifier == "arab" ? .arabic : .latin)
        if let calendarID {
            self.calendar = TemplateCalendar(bcp47: calendarID)
        } else {
            self.calendar = Self.defaultCalendar(language: language, region: region, icuDefault: icu.calendar.identifier)
        }
        var keywords = ["calendar=\(self.calendar.icuKeyword)"]
        if let digits { keywords.append("numbers=\(digits.rawValue)") }
        self.foundationIdentifier = base + "@" + keywords.joined(separator: ";")
        self.isRightToLeft = Self.rightToLeftLanguages.contains(language)
    }

    /// The calendar of a tag without `-u-ca-`: Umm al-Qura for `ar-SA`
    /// whatever ICU says (CLDR 47 makes it Gregorian), else ICU's default
    /// when it is one `TemplateCalendar.supported` lists, else Gregorian.
    static func defaultCalendar(language: String, region: String?, icuDefault: Calendar.Identifier) -> TemplateCalendar {
        if language == "ar" && region == "SA" { return .ummAlQura }
        switch icuDefault {
        case .gregorian: return .gregorian
        case .islamicUmmAlQura: return .ummAlQura
        case .persian: return .other("persian")
        case .islamic: return .other("islamic")
        case .islamicCivil: return .other("islamic-civil")
        case .islamicTabular: return .other("islamic-tbla")
        case .buddhist: return .other("buddhist")
        case .hebrew: return .other("hebrew")
        case .indian: return .other("indian")
        case .japanese: return .other("japanese")
        case .republicOfChina: return .other("roc")
        default: return .gregorian
        }
    }

    static let rightToLeftLanguages: Set<String> = ["ar", "fa", "ur", "he", "ps", "ckb", "sd", "ug", "dv", "yi"]

    public var description: String { identifier }
}
