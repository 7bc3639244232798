/// Temporary phone normaliser for rule literals (`mobile = '0501234567'`).
///
/// The lead will point this at `PhoneNumber.normalize(_:)` once that lands;
/// until then it covers Saudi forms: 05XXXXXXXX, 5XXXXXXXX, 9665…, 009665…,
/// and any `+` or `00` international number. Returns E.164 with `+`, or nil.
enum PhoneLiteral {
    static func normalize(_ s: String) -> String? {
        var digits: [UInt8] = []
        var plus = false
        for scalar in Digits.toASCII(s).unicodeScalars {
            switch scalar {
            case " ", "-", "(", ")", ".", "\u{00A0}", "\t":
                continue
            case "+" where digits.isEmpty && !plus:
                plus = true
            case "0"..."9":
                digits.append(UInt8(scalar.value))
            default:
                return nil
            }
        }
        var international: ArraySlice<UInt8>
        if plus {
            international = digits[...]
        } else if digits.starts(with: Array("00".utf8)) {
            international = digits.dropFirst(2)
        } else if digits.count == 12, digits.starts(with: Array("9665".utf8)) {
            international = digits[...]
        } else if digits.count == 10, digits.starts(with: Array("05".utf8)) {
            international = Array("966".utf8)[...] + digits.dropFirst()
        } else if digits.count == 9, digits.first == UInt8(ascii: "5") {
            international = Array("966".utf8)[...] + digits
        } else {
            return nil
        }
        // Saudi numbers written with the trunk zero after the country code.
        if international.starts(with: Array("9660".utf8)) {
            international = Array("966".utf8)[...] + international.dropFirst(4)
        }
        guard (8...15).contains(international.count), international.first != UInt8(ascii: "0") else { return nil }
        return "+" + String(decoding: international, as: UTF8.self)
    }
}
