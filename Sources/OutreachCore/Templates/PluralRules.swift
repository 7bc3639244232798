/// Hand-written CLDR cardinal plural rules (CLDR 46), by language.
///
/// Covered: ar, en, fr, ur, hi, fa, id, ms, fil/tl, bn, ne, es, pt, it, de,
/// nl, sv, fi, et, da, nb/no, el, hu, tr, ru, uk, be, pl, ckb, ku, az, uz, kk, zh, ja, ko, th, vi, my, am, ps, si,
/// ta, te, ml, pa, sw, so, ha. Any other language gets ICU's root rule
/// (every number is `other`). Exact cases (`=2`) are matched before
/// categories by the renderer, not here.
public enum PluralRules {
    /// The category of `operands` in `language` (a lowercased primary subtag).
    public static func category(of x: PluralOperands, language: String) -> PluralCategory {
        switch language {
        case "ar", "ars":
            if x.n == 0 { return .zero }
            if x.n == 1 { return .one }
            if x.n == 2 { return .two }
            if x.isInteger {
                let m = x.i % 100
                if (3...10).contains(m) { return .few }
                if (11...99).contains(m) { return .many }
            }
            return .other
        case "en", "ur", "de", "nl", "sv", "fi", "et", "sw":
            return x.i == 1 && x.v == 0 ? .one : .other
        case "it":
            if x.i == 1 && x.v == 0 { return .one }
            return millionsAreMany(x) ? .many : .other
        case "fr":
            if x.i == 0 || x.i == 1 { return .one }
            return millionsAreMany(x) ? .many : .other
        case "pt":
            if x.i == 0 || x.i == 1 { return .one }
            return millionsAreMany(x) ? .many : .other
        case "es":
            if x.n == 1 { return .one }
            return millionsAreMany(x) ? .many : .other
        case "hi", "fa", "bn", "am", "gu", "kn", "zu":
            return x.i == 0 || x.n == 1 ? .one : .other
        case "fil", "tl":
            if x.v == 0 && (x.i == 1 || x.i == 2 || x.i == 3) { return .one }
            if x.v == 0 && ![4, 6, 9].contains(x.i % 10) { return .one }
            if x.v != 0 && ![4, 6, 9].contains(x.f % 10) { return .one }
            return .other
        case "id", "in", "ms", "zh", "ja", "ko", "th", "vi", "my", "lo", "km", "jv", "yo", "ig":
            return .other
        case "tr", "ne", "ps", "ta", "te", "ml", "so", "ha", "nb", "no", "da", "el", "hu", "ckb", "ku", "az", "uz", "kk":
            if language == "da" {
                return x.n == 1 || (x.t != 0 && (x.i == 0 || x.i == 1)) ? .one : .other
            }
            return x.n == 1 ? .one : .other
        case "si":
            return x.n == 0 || x.n == 1 || (x.i == 0 && x.f == 1) ? .one : .other
        case "pa":
            return x.n == 0 || x.n == 1 ? .one : .other
        case "ru", "uk", "be":
            guard x.v == 0 else { return .other }
            let m10 = x.i % 10, m100 = x.i % 100
            if m10 == 1 && m100 != 11 { return .one }
            if (2...4).contains(m10) && !(12...14).contains(m100) { return .few }
            return .many
        case "pl":
            if x.i == 1 && x.v == 0 { return .one }
            guard x.v == 0 else { return .other }
            let m10 = x.i % 10, m100 = x.i % 100
            if (2...4).contains(m10) && !(12...14).contains(m100) { return .few }
            return .many
        default:
            return .other
        }
    }

    /// The ordinal category (`selectordinal`) of `operands` in `language`:
    /// CLDR ordinal rules for en, fr, ms, fil/tl, hi, bn, ne, it, sv, ca;
    /// every other language (Arabic included) has only `other`.
    public static func ordinalCategory(of x: PluralOperands, language: String) -> PluralCategory {
        guard x.isInteger else { return .other }
        let n = x.i
        switch language {
        case "en":
            let m10 = n % 10, m100 = n % 100
            if m10 == 1 && m100 != 11 { return .one }
            if m10 == 2 && m100 != 12 { return .two }
            if m10 == 3 && m100 != 13 { return .few }
            return .other
        case "fr", "ms", "fil", "tl":
            return n == 1 ? .one : .other
        case "hi", "gu":
            switch n {
            case 1: return .one
            case 2, 3: return .two
            case 4: return .few
            case 6: return .many
            default: return .other
            }
        case "bn", "as":
            switch n {
            case 1, 5, 7, 8, 9, 10: return .one
            case 2, 3: return .two
            case 4: return .few
            case 6: return .many
            default: return .other
            }
        case "ne":
            return (1...4).contains(n) ? .one : .other
        case "it":
            return [11, 8, 80, 800].contains(n) ? .many : .other
        case "sv":
            let m10 = n % 10, m100 = n % 100
            return (m10 == 1 || m10 == 2) && m100 != 11 && m100 != 12 ? .one : .other
        case "ca":
            switch n {
            case 1, 3: return .one
            case 2: return .two
            case 4: return .few
            default: return .other
            }
        default:
            return .other
        }
    }

    /// The French/Spanish/Portuguese/Italian `many`: whole millions.
    private static func millionsAreMany(_ x: PluralOperands) -> Bool {
        x.v == 0 && x.i != 0 && x.i % 1_000_000 == 0
    }
}
