import OutreachCore
/// Masks `HTTPRequest.secrets` in anything the transport or a gateway
/// reports: error details, answers echoed back, logged URLs.
enum TransportSecrets {
    /// `text` with every secret — raw and percent-encoded, as it appears in
    /// a query string — replaced by `***`.
    static func mask(_ text: String, _ secrets: [String]) -> String {
        guard !text.isEmpty else { return text }
        // Runs on every answer: the encoded forms (which hold `%` or `+`)
        // are only worked out when the text could contain one.
        let mayHoldEncoded = text.utf8.contains { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }
        var result = text
        for secret in secrets where !secret.isEmpty {
            result = replacingAll(secret, in: result)
            guard mayHoldEncoded else { continue }
            let encoded = PercentEncoding.encode(secret)
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


    private static func replacingAll(_ target: String, in text: String) -> String {
        guard contains(text, target) else { return text }
        return text.replacing(target, with: "***")
    }

    /// A plain byte search: cheaper than `firstRange(of:)` for the short
    /// texts and secrets seen here.
    private static func contains(_ text: String, _ target: String) -> Bool {
        var text = text, target = target
        return text.withUTF8 { haystack in
            target.withUTF8 { needle in
                guard let first = needle.first, haystack.count >= needle.count else { return false }
                var index = 0
                let last = haystack.count - needle.count
                while index <= last {
                    if haystack[index] == first {
                        var matched = 1
                        while matched < needle.count, haystack[index + matched] == needle[matched] { matched += 1 }
                        if matched == needle.count { return true }
                    }
                    index += 1
                }
                return false
            }
        }
    }
}
