import Foundation

/// Arabic-aware text folding for comparisons, in the spirit of Lucene's
/// `ArabicNormalizer`: the same name typed with or without harakat, with a
/// hamza on the alef or not, or with taa marbuta written as haa, compares equal.
///
/// `normalize` applies, in order: Unicode NFKC; removal of harakat
/// (U+064B–U+0652, U+0670) and tatweel (U+0640); آ أ إ ٱ → ا, ى → ي, ة → ه;
/// Persian ی → ي and ک → ك; Arabic-Indic and Persian digits → ASCII digits;
/// lower-casing; runs of white space collapsed to one space; trimmed.
///
/// The result is a comparison key, never text to show a person. Ordering of
/// keys (`<` in rules) is Swift's `String` order of the keys, i.e. by Unicode
/// scalar value, not a dictionary collation.
public enum ArabicText {
    /// Folds `s` into a comparison key. ASCII-only input takes a fast path
    /// (lower-case + white-space collapse, no Unicode tables).
    public static func normalize(_ s: String) -> String {
        if let ascii = asciiKey(s) { return ascii }
        return unicodeKey(s)
    }

    /// Fast path: returns nil as soon as a non-ASCII byte is seen.
    private static func asciiKey(_ s: String) -> String? {
        var s = s
        return s.withUTF8 { bytes -> String? in
            var out = [UInt8]()
            out.reserveCapacity(bytes.count)
            var pendingSpace = false
            for b in bytes {
                if b >= 0x80 { return nil }
                if b == 0x20 || (b >= 0x09 && b <= 0x0D) {
                    pendingSpace = !out.isEmpty
                    continue
                }
                if pendingSpace {
                    out.append(0x20)
                    pendingSpace = false
                }
                out.append(b >= 0x41 && b <= 0x5A ? b + 0x20 : b)
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    private static func unicodeKey(_ s: String) -> String {
        let composed = s.precomposedStringWithCompatibilityMapping
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in composed.unicodeScalars {
            let v = scalar.value
            if scalar.properties.isWhitespace {
                pendingSpace = !out.isEmpty
                continue
            }
            let mapped: Unicode.Scalar
            switch v {
            case 0x064B...0x0652, 0x0670, 0x0640:
                continue // harakat, superscript alef, tatweel
            case 0x0622, 0x0623, 0x0625, 0x0671:
                mapped = "\u{0627}"
            case 0x0649, 0x06CC:
                mapped = "\u{064A}"
            case 0x0629:
                mapped = "\u{0647}"
            case 0x06A9:
                mapped = "\u{0643}"
            case 0x0660...0x0669:
                mapped = Unicode.Scalar(UInt8(v - 0x0660 + 0x30))
            case 0x06F0...0x06F9:
                mapped = Unicode.Scalar(UInt8(v - 0x06F0 + 0x30))
            default:
                mapped = scalar
            }
            if pendingSpace {
                out.append(" ")
                pendingSpace = false
            }
            out.append(mapped)
        }
        return String(out).lowercased()
    }
}
