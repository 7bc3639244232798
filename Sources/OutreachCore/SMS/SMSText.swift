/// Encoding, size and splitting of SMS bodies, exactly as gateways and
/// handsets do it.
///
/// A single message holds 160 septets (GSM-7) or 70 UTF-16 units (UCS-2);
/// a concatenated message holds 153 or 67 per part. An escape pair (GSM-7
/// extension character) or a surrogate pair never straddles two parts, so a
/// part may hold one unit less.
public enum SMSText {
    public static func encoding(of text: String) -> SMSEncoding {
        for s in text.unicodeScalars where GSMAlphabet.septets(s) == nil { return .ucs2 }
        return .gsm7
    }

    public static func info(_ text: String) -> SMSInfo {
        let encoding = encoding(of: text)
        var characters = 0, units = 0
        for s in text.unicodeScalars {
            characters += 1
            units += cost(s, encoding)
        }
        let parts: Int
        if units <= encoding.singleCapacity {
            parts = 1
        } else {
            var count = 1, used = 0
            for s in text.unicodeScalars {
                let c = cost(s, encoding)
                if used + c > encoding.partCapacity {
                    count += 1
                    used = 0
                }
                used += c
            }
            parts = count
        }
        return SMSInfo(encoding: encoding, characters: characters, units: units, parts: parts)
    }

    /// The parts, as a gateway would split them; joined they give `text`.
    /// A text that fits one message is returned whole.
    public static func split(_ text: String) -> [String] {
        let encoding = encoding(of: text)
        var units = 0
        for s in text.unicodeScalars { units += cost(s, encoding) }
        if units <= encoding.singleCapacity { return [text] }
        var parts: [String] = []
        var current = String.UnicodeScalarView()
        var used = 0
        for s in text.unicodeScalars {
            let c = cost(s, encoding)
            if used + c > encoding.partCapacity {
                parts.append(String(current))
                current = String.UnicodeScalarView()
                used = 0
            }
            current.append(s)
            used += c
        }
        parts.append(String(current))
        return parts
    }

    /// Replaces typographic characters with GSM-7 equivalents: curly quotes
    /// and primes → straight quotes, dashes and minus → `-`, ellipsis →
    /// `...`, no-break and other spaces → space; zero-width characters are
    /// removed. Applied only when the result is all GSM-7 (it then costs
    /// fewer parts); otherwise the text is returned unchanged, since UCS-2
    /// carries the originals anyway and Arabic needs its joiners.
    public static func smartEncoded(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var changed = false
        for s in text.unicodeScalars {
            switch s.value {
            case 0x2018, 0x2019, 0x201A, 0x201B, 0x2032, 0x2035, 0x00B4, 0x02BC:
                out.append("'"); changed = true
            case 0x201C, 0x201D, 0x201E, 0x201F, 0x2033, 0x2036, 0x00AB, 0x00BB:
                out.append("\""); changed = true
            case 0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212:
                out.append("-"); changed = true
            case 0x2026:
                out.append(contentsOf: "...".unicodeScalars); changed = true
            case 0x00A0, 0x2000...0x200A, 0x202F, 0x205F, 0x3000:
                out.append(" "); changed = true
            case 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD:
                changed = true
            default:
                out.append(s)
            }
        }
        guard changed else { return text }
        let result = String(out)
        return encoding(of: result) == .gsm7 ? result : text
    }

    /// Units one scalar takes in `encoding`: septets in GSM-7 (a character outside it counted as one, as
    /// if replaced by a GSM-7 one), UTF-16 code units in UCS-2.
    @inline(__always)
    static func cost(_ s: Unicode.Scalar, _ encoding: SMSEncoding) -> Int {
        switch encoding {
        case .gsm7: return GSMAlphabet.septets(s) ?? 1
        case .ucs2: return s.value > 0xFFFF ? 2 : 1
        }
    }
}
