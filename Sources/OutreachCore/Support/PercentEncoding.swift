/// Percent-encoding for URLs, query strings and form bodies: everything but
/// RFC 3986's unreserved characters becomes `%XX` of its UTF-8 bytes, so
/// Arabic text and `&`, `=`, `+` arrive exactly as written. The one encoder
/// every gateway, the exchange printer and `List-Unsubscribe` use.
public enum PercentEncoding {
    /// `spaceAsPlus` writes a space as `+` (the form encoding some providers
    /// echo back); otherwise a space is `%20`.
    public static func encode(_ text: String, spaceAsPlus: Bool = false) -> String {
        var out: [UInt8] = []
        append(text, to: &out, spaceAsPlus: spaceAsPlus)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `text` encoded to `out`: for building a whole query in one
    /// buffer (a gateway does it for every message).
    public static func append(_ text: String, to out: inout [UInt8], spaceAsPlus: Bool = false) {
        out.reserveCapacity(out.count + text.utf8.count * 3)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(byte)
            case UInt8(ascii: " ") where spaceAsPlus:
                out.append(UInt8(ascii: "+"))
            default:
                out.append(UInt8(ascii: "%"))
                out.append(hexDigit(byte >> 4))
                out.append(hexDigit(byte & 0xF))
            }
        }
    }

    @inline(__always)
    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "A") + nibble - 10
    }
}
