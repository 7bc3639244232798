/// Mobile numbers normalised to E.164 (`+9665XXXXXXXX`).
///
/// Saudi Arabia is the default country: `05XXXXXXXX`, `5XXXXXXXX`,
/// `9665…`, `009665…` and `+9665…` all give `+9665XXXXXXXX`. A Saudi number
/// must be a mobile (`+9665` and 8 digits): the campaigns send SMS, so a
/// landline is as useless as a typo. A trunk zero written after the country
/// code (`+966 05…`) is dropped. Other countries need a leading `+` or `00`
/// and 8–15 digits in all (E.164's maximum). Spaces, dashes, dots and
/// parentheses are ignored; Arabic-Indic and Persian digits are accepted.
public enum PhoneNumber {
    /// The E.164 form, or nil when `raw` is not a usable mobile number.
    public static func normalize(_ raw: some StringProtocol) -> String? {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { digits -> String? in
            var count = 0
            var plus = false
            var seenDigit = false
            for scalar in raw.unicodeScalars {
                let v = scalar.value
                var digit: UInt32?
                switch v {
                case 0x30...0x39: digit = v - 0x30
                case 0x0660...0x0669: digit = v - 0x0660
                case 0x06F0...0x06F9: digit = v - 0x06F0
                case 0x20, 0x09, 0xA0, 0x202F, 0x2D, 0x2E, 0x28, 0x29, 0x2010, 0x2011, 0x2012, 0x2013,
                     0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069:
                    continue // separators and bidi marks that copy-paste brings along
                case 0x2B:
                    guard !plus, !seenDigit else { return nil }
                    plus = true
                    continue
                default:
                    return nil
                }
                guard let d = digit, count < 24 else { return nil }
                digits[count] = UInt8(d)
                count += 1
                seenDigit = true
            }
            var start = 0
            if plus {
                // international as written
            } else if count >= 2, digits[0] == 0, digits[1] == 0 {
                start = 2
            } else if count >= 3, digits[0] == 9, digits[1] == 6, digits[2] == 6 {
                // Saudi country code without the plus
            } else if count == 10, digits[0] == 0, digits[1] == 5 {
                return saudiMobile(digits, from: 2)
            } else if count == 9, digits[0] == 5 {
                return saudiMobile(digits, from: 1)
            } else {
                return nil
            }
            let n = count - start
            if n >= 3, digits[start] == 9, digits[start + 1] == 6, digits[start + 2] == 6 {
                var s = start + 3
                if s < count, digits[s] == 0 { s += 1 } // +966 05…
                guard count - s == 9, digits[s] == 5 else { return nil }
                return saudiMobile(digits, from: s + 1)
            }
            guard (8...15).contains(n), digits[start] != 0 else { return nil }
            return String(unsafeUninitializedCapacity: n + 1) { out in
                out[0] = UInt8(ascii: "+")
                for i in 0..<n { out[i + 1] = digits[start + i] + 0x30 }
                return n + 1
            }
        }
    }

    /// `+9665` followed by the 8 digits at `from`, which the caller checked exist.
    private static func saudiMobile(_ digits: UnsafeMutableBufferPointer<UInt8>, from: Int) -> String {
        String(unsafeUninitializedCapacity: 13) { out in
            for (i, c) in "+9665".utf8.enumerated() { out[i] = c }
            for i in 0..<8 { out[5 + i] = digits[from + i] + 0x30 }
            return 13
        }
    }
}
