/// A predicate on one text value, computed once per dictionary entry on
/// the entry's comparison key (`ArabicText.normalize`, or E.164 for phones).
struct TextTest: Sendable {
    enum Kind: Sendable {
        case equalsAny(Set<String>)
        case range(low: String?, lowInclusive: Bool, high: String?, highInclusive: Bool)
        case contains(String)
        case startsWith(String)
        /// Missing or blank (white space only).
        case isEmpty
        /// `len(field)` in a range: characters of the raw value.
        case length(IntRange)
    }

    var kind: Kind
    /// Keys are E.164 numbers (phone fields) rather than folded text.
    var phone: Bool

    /// Comparison key of a stored value.
    static func key(_ value: String, phone: Bool) -> String {
        if phone {
            // Imported phones are usually E.164 already: keep them as they are.
            let utf8 = value.utf8
            if utf8.first == UInt8(ascii: "+"), utf8.count >= 9,
               utf8.dropFirst().allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
                return value
            }
            if let e164 = PhoneNumber.normalize(value) { return e164 }
        }
        return ArabicText.normalize(value)
    }

    /// State for one dictionary entry (code > 0): 0 false, 1 true.
    func verdict(_ value: String) -> UInt8 {
        switch kind {
        case .isEmpty:
            return value.allSatisfy(\.isWhitespace) ? 1 : 0
        case .length(let r):
            let n = Int64(value.count)
            return n >= r.low && n <= r.high ? 1 : 0
        default:
            break
        }
        let k = TextTest.key(value, phone: phone)
        switch kind {
        case .equalsAny(let set):
            return set.contains(k) ? 1 : 0
        case .range(let low, let lowInclusive, let high, let highInclusive):
            if let low, lowInclusive ? k < low : k <= low { return 0 }
            if let high, highInclusive ? k > high : k >= high { return 0 }
            return 1
        case .contains(let needle):
            return needle.isEmpty || k.contains(needle) ? 1 : 0
        case .startsWith(let prefix):
            return k.hasPrefix(prefix) ? 1 : 0
        case .isEmpty, .length:
            return 0
        }
    }

    /// State of the missing value (code 0).
    var missingVerdict: UInt8 {
        if case .isEmpty = kind { return 1 }
        return 2
    }
}
