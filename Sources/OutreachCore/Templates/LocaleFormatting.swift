import Foundation
import Synchronization

/// A number as a template sees it: whole numbers stay exact.
enum NumericValue: Sendable, Hashable {
    case int(Int64)
    case double(Double)

    var doubleValue: Double {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        }
    }

    var operands: PluralOperands {
        switch self {
        case .int(let i): return PluralOperands(i)
        case .double(let d): return PluralOperands(d)
        }
    }
}

/// ICU-backed number and date formatting for one locale, with caches.
///
/// Creating an ICU formatter is expensive, so there is one per style,
/// created on first use; and since a campaign has few distinct dates (and
/// often few distinct numbers) every formatted value is remembered, up to
/// `cacheLimit` entries per kind. All of it sits behind one `Mutex`, so a
/// compiled template can be shared by concurrent renderers.
final class LocaleFormatting: Sendable {
    let locale: TemplateLocale
    /// SMS: drop the invisible bidi marks ICU puts in some formats (each costs a UCS-2 unit).
    let stripsBidiMarks: Bool
    private let state: Mutex<State>

    static let cacheLimit = 100_000

    private struct DateKey: Hashable {
        var style: DateStyle
        var day: Int32
    }

    private struct NumberKey: Hashable {
        var style: NumberStyle
        var value: NumericValue
    }

    private struct State {
        var dateFormatters: [DateStyle: DateFormatter] = [:]
        var numberFormatters: [NumberStyle: NumberFormatter] = [:]
        var plainInteger: NumberFormatter?
        var hijriMonths: [String]?
        var gregorianMonths: [String]?
        var dates: [DateKey: String] = [:]
        var numbers: [NumberKey: String] = [:]
        /// The hot caches, read without hashing: days of 1900–2100 by style
        /// and day, small whole numbers by style and value.
        /// Flat (style-major), so a hit is one array read: `slot * cachedDays + offset`.
        var days: [String?] = []
        var smallNumbers: [String?] = []
    }

    /// Days from 1900-01-01 to 2100-12-31 go in the flat day cache.
    private static let firstCachedDay = -25_567
    private static let cachedDays = 73_415
    private static let cachedNumbers = 1_000

    private static func slot(_ style: DateStyle) -> Int {
        switch style {
        case .short: return 0
        case .medium: return 1
        case .long: return 2
        case .full: return 3
        case .hijri: return 4
        case .gregorian: return 5
        }
    }

    private static func slot(_ style: NumberStyle) -> Int {
        switch style {
        case .decimal: return 0
        case .integer: return 1
        case .percent: return 2
        }
    }

    init(locale: TemplateLocale, stripsBidiMarks: Bool) {
        self.locale = locale
        self.stripsBidiMarks = stripsBidiMarks
        self.state = Mutex(State())
    }

    /// The number in `style` as ICU's MessageFormat shows it.
    func number(_ value: NumericValue, style: NumberStyle) -> String {
        var small = -1
        if case .int(let i) = value, i >= 0, i < Self.cachedNumbers { small = Int(i) }
        let slot = Self.slot(style)
        let key = NumberKey(style: style, value: value)
        return state.withLock { state in
            if small >= 0 {
                if state.smallNumbers.isEmpty { state.smallNumbers = Array(repeating: nil, count: 3 * Self.cachedNumbers) }
                if let hit = state.smallNumbers[slot * Self.cachedNumbers + small] { return hit }
            } else if let hit = state.numbers[key] {
                return hit
            }
            let formatter = Self.numberFormatter(style, in: &state, locale: locale)
            let number: NSNumber
            switch value {
            case .int(let i): number = NSNumber(value: i)
            case .double(let d): number = NSNumber(value: d)
            }
            var text = formatter.string(from: number) ?? "\(value.doubleValue)"
            if stripsBidiMarks { text = Self.strippingBidiMarks(text) }
            if small >= 0 {
                state.smallNumbers[slot * Self.cachedNumbers + small] = text
            } else if state.numbers.count < Self.cacheLimit {
                state.numbers[key] = text
            }
            return text
        }
    }

    /// The day in `style`, or nil when a Hijri form is asked for a day
    /// outside the Umm al-Qura table.
    func date(_ day: Day, style: DateStyle) -> String? {
        let offset = Int(day.daysSinceEpoch) - Self.firstCachedDay
        let flat = offset >= 0 && offset < Self.cachedDays
        let slot = Self.slot(style)
        let key = DateKey(style: style, day: day.daysSinceEpoch)
        return state.withLock { state -> String? in
            if flat {
                if state.days.isEmpty { state.days = Array(repeating: nil, count: 6 * Self.cachedDays) }
                if let hit = state.days[slot * Self.cachedDays + offset] { return hit }
            } else if let hit = state.dates[key] {
                return hit
            }
            var text: String
            switch style {
            case .hijri:
                guard let h = UmmAlQura.hijri(day) else { return nil }
                let months = Self.months(hijri: true, in: &state, locale: locale)
                let d = Self.integer(h.day, in: &state, locale: locale)
                let y = Self.integer(h.year, in: &state, locale: locale)
                text = locale.language == "ar" ? "\(d) \(months[h.month - 1]) \(y)هـ" : "\(d) \(months[h.month - 1]) \(y) AH"
            case .gregorian:
                let c = day.components
                let months = Self.months(hijri: false, in: &state, locale: locale)
                let d = Self.integer(c.day, in: &state, locale: locale)
                let y = Self.integer(c.year, in: &state, locale: locale)
                text = locale.language == "ar" ? "\(d) \(months[c.month - 1]) \(y)م" : "\(d) \(months[c.month - 1]) \(y)"
            case .short, .medium, .long, .full:
                let formatter = Self.dateFormatter(style, in: &state, locale: locale)
                text = formatter.string(from: Date(timeIntervalSince1970: Double(day.daysSinceEpoch) * 86_400 + 43_200))
            }
            if stripsBidiMarks { text = Self.strippingBidiMarks(text) }
            if flat {
                state.days[slot * Self.cachedDays + offset] = text
            } else if state.dates.count < Self.cacheLimit {
                state.dates[key] = text
            }
            return text
        }
    }

    // MARK: Formatters (created once per style)

    private static func numberFormatter(_ style: NumberStyle, in state: inout State, locale: TemplateLocale) -> NumberFormatter {
        if let f = state.numberFormatters[style] { return f }
        let f = NumberFormatter()
        f.locale = Locale(identifier: locale.foundationIdentifier)
        switch style {
        case .decimal:
            f.numberStyle = .decimal
        case .integer:
            f.numberStyle = .decimal
            f.maximumFractionDigits = 0
            f.roundingMode = .halfEven
        case .percent:
            f.numberStyle = .percent
        }
        state.numberFormatters[style] = f
        return f
    }

    private static func dateFormatter(_ style: DateStyle, in state: inout State, locale: TemplateLocale) -> DateFormatter {
        if let f = state.dateFormatters[style] { return f }
        let f = DateFormatter()
        f.locale = Locale(identifier: locale.foundationIdentifier)
        f.timeZone = TimeZone(identifier: "UTC")
        f.timeStyle = .none
        switch style {
        case .short: f.dateStyle = .short
        case .long: f.dateStyle = .long
        case .full: f.dateStyle = .full
        default: f.dateStyle = .medium
        }
        state.dateFormatters[style] = f
        return f
    }

    /// Day and year numbers in the locale's digits, without grouping.
    private static func integer(_ value: Int, in state: inout State, locale: TemplateLocale) -> String {
        let f: NumberFormatter
        if let cached = state.plainInteger {
            f = cached
        } else {
            f = NumberFormatter()
            f.locale = Locale(identifier: locale.foundationIdentifier)
            f.numberStyle = .none
            f.usesGroupingSeparator = false
            state.plainInteger = f
        }
        return f.string(from: NSNumber(value: value)) ?? String(value)
    }

    private static func months(hijri: Bool, in state: inout State, locale: TemplateLocale) -> [String] {
        switch (locale.language, hijri) {
        case ("ar", true): return CalendarNames.hijriArabic
        case ("ar", false): return CalendarNames.gregorianArabic
        case ("en", true): return CalendarNames.hijriEnglish
        case ("en", false): return CalendarNames.gregorianEnglish
        default: break
        }
        if hijri, let m = state.hijriMonths { return m }
        if !hijri, let m = state.gregorianMonths { return m }
        let f = DateFormatter()
        f.locale = Locale(identifier: locale.foundationIdentifier)
        var calendar = Calendar(identifier: hijri ? .islamicUmmAlQura : .gregorian)
        calendar.locale = f.locale
        f.calendar = calendar
        var names: [String] = f.monthSymbols
        if names.count < 12 { names = hijri ? CalendarNames.hijriEnglish : CalendarNames.gregorianEnglish }
        if hijri { state.hijriMonths = names } else { state.gregorianMonths = names }
        return names
    }

    /// Removes LRM, RLM, ALM and the bidi embedding/isolate controls.
    static func strippingBidiMarks(_ text: String) -> String {
        func isMark(_ u: Unicode.Scalar) -> Bool {
            switch u.value {
            case 0x200E, 0x200F, 0x061C, 0x202A...0x202E, 0x2066...0x2069: return true
            default: return false
            }
        }
        guard text.unicodeScalars.contains(where: isMark) else { return text }
        var out = String.UnicodeScalarView()
        for u in text.unicodeScalars where !isMark(u) { out.append(u) }
        return String(out)
    }
}
