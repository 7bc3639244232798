/// Reads a rule literal in the type of the field it is compared with
/// (`birth_date < '2000-01-01'`, `gender = 'أنثى'`, `active = 'نعم'`).
enum LiteralReading {
    static func gender(_ text: String) -> Gender? {
        switch ArabicText.normalize(text) {
        case "male", "m", "ذكر": return .male
        case "female", "f", "انثي": return .female
        default: return nil
        }
    }

    static func bool(_ text: String) -> Bool? {
        switch ArabicText.normalize(text) {
        case "true", "yes", "1", "نعم": return true
        case "false", "no", "0", "لا": return false
        default: return nil
        }
    }

    /// Key for `CONTAINS` / `STARTS WITH` on a phone: digits and `+` only,
    /// and a local leading `0` (but not `00`) becomes `+966`, so
    /// `mobile STARTS WITH '055'` matches `+96655…`.
    static func phoneFragment(_ text: String) -> String {
        var out = ""
        for scalar in Digits.toASCII(text).unicodeScalars where ("0"..."9").contains(scalar) || scalar == "+" {
            out.unicodeScalars.append(scalar)
        }
        if out.hasPrefix("00") {
            out = "+" + out.dropFirst(2)
        } else if out.hasPrefix("0") {
            out = "+966" + out.dropFirst()
        }
        return out
    }
}
