import Hummingbird
import OutreachCore

/// Kannel's `sms-service` `get-url` passes the message (`%a`) in the coding it arrived in: an Arabic reply is
/// UCS-2, so `text` is URL-encoded UTF-16BE with `coding=2&charset=UTF-16BE` (`%c`, `%C`), unless smsbox has
/// `mo-recode = true`. This reads the query with the text decoded by its charset; every other field is UTF-8.
/// The answer to an sms-service is sent back as an SMS; `X-Kannel-Coding: 2` asks for UCS-2 when the
/// confirmation needs it (with `accept-x-kannel-headers = true` on the sms-service).
enum KannelInboundText {
    static func fields(_ request: Request) throws -> FormFields {
        guard let query = request.uri.query, !query.isEmpty else { return FormFields() }
        var raw: [(String, [UInt8])] = []
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = FormFields.decode(parts[0]), !name.isEmpty,
                  let value = FormFields.decodeBytes(parts.count > 1 ? parts[1] : "") else {
                throw WebhookRequest.malformed("the query string is not valid URL encoding")
            }
            raw.append((name, value))
        }
        func ascii(_ name: String) -> String? {
            raw.first { $0.0 == name }.flatMap { String(validating: $0.1, as: UTF8.self) }?.uppercased()
        }
        let charset = ascii("charset"), coding = ascii("coding")
        var values: [String: String] = [:]
        for (name, bytes) in raw where values[name] == nil {
            let text: String?
            if name == "text" {
                text = decode(bytes, charset: charset, coding: coding)
            } else {
                text = String(validating: bytes, as: UTF8.self)
            }
            guard let text else {
                throw WebhookRequest.malformed(name == "text" ? "text is not valid \(charset ?? "UTF-8") (set the sms-service get-url's charset=%C)"
                                                              : "the query string is not valid UTF-8")
            }
            values[name] = text
        }
        return FormFields(values)
    }

    static func decode(_ bytes: [UInt8], charset: String?, coding: String?) -> String? {
        switch charset {
        case "UTF-16BE", "UTF-16", "UCS-2", "UCS-2BE", "ISO-10646-UCS-2":
            return utf16BE(bytes)
        case "ISO-8859-1", "LATIN1", "WINDOWS-1252", "CP1252":
            return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
        case nil where coding == "2":
            return utf16BE(bytes)
        default:
            return String(validating: bytes, as: UTF8.self)
        }
    }

    private static func utf16BE(_ bytes: [UInt8]) -> String? {
        guard bytes.count % 2 == 0 else { return nil }
        let units = stride(from: 0, to: bytes.count, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
        return UTF16.scalars(units).map { String(String.UnicodeScalarView($0)) }
    }

    /// The answer to the sms-service: the confirmation, in UCS-2 when it is not GSM text.
    static func answer(_ text: String?) -> Response {
        var headers: HTTPFields = [.contentType: "text/plain; charset=utf-8"]
        if let text, SMSText.encoding(of: text) == .ucs2 { headers[HeaderName.xKannelCoding] = "2" }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text ?? "")))
    }
}

extension UTF16 {
    static func scalars(_ units: [UInt16]) -> [Unicode.Scalar]? {
        var scalars: [Unicode.Scalar] = []
        var decoder = UTF16()
        var iterator = units.makeIterator()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): scalars.append(scalar)
            case .emptyInput: return scalars
            case .error: return nil
            }
        }
    }
}
