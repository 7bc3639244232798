/// Percent-encoding for URLs, query strings and form bodies: everything but
/// RFC 3986's unreserved characters becomes `%XX` of its UTF-8 bytes, so
/// Arabic text and `&`, `=`, `+` arrive exactly as written. The one encoder
/// every gateway, the exchange printer and `List-Unsubscribe` use.
public enum PercentEncoding {
    /// `spaceAsPlus` writes a space as `+` (the form encoding some providers
    /// echo back); otherwise a space is `%20`.
    public static func encode(_ text: String, spaceAsPlus: Bool = false) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(byte)
            case UInt8(ascii: " ") where spaceAsPlus:
                out.append(UInt8(ascii: "+"))
            default:
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
