/// Masks `HTTPRequest.secrets` in anything the transport or a gateway
/// reports: error details, answers echoed back, logged URLs.
enum TransportSecrets {
    /// `text` with every secret — raw and percent-encoded, as it appears in
    /// a query string — replaced by `***`.
    static func mask(_ text: String, _ secrets: [String]) -> String {
        var result = text
        for secret in secrets where !secret.isEmpty {
            result = replacingAll(secret, in: result)
            let encoded = percentEncoded(secret)
            if encoded != secret { result = replacingAll(encoded, in: result) }
            let formEncoded = encoded.replacing("%20", with: "+")
            if formEncoded != encoded { result = replacingAll(formEncoded, in: result) }
        }
        return result
    }

    static func mask(_ error: TransportError, _ secrets: [String]) -> TransportError {
        var copy = error
        copy.detail = mask(error.detail, secrets)
        return copy
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters, so a
    /// value survives any query parser (`+` becomes `%2B`, space `%20`).
    static func percentEncoded(_ value: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(value.utf8.count)
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                bytes.append(byte)
            default:
                bytes.append(UInt8(ascii: "%"))
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func replacingAll(_ target: String, in text: String) -> String {
        guard text.contains(target) else { return text }
        return text.replacing(target, with: "***")
    }
}
