import OutreachCore
/// Masks `HTTPRequest.secrets` in anything the transport or a gateway
/// reports: error details, answers echoed back, logged URLs.
enum TransportSecrets {
    /// `text` with every secret — raw and percent-encoded, as it appears in
    /// a query string — replaced by `***`.
    static func mask(_ text: String, _ secrets: [String]) -> String {
        var result = text
        for secret in secrets where !secret.isEmpty {
            result = replacingAll(secret, in: result)
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
        guard text.utf8.count >= target.utf8.count, text.firstRange(of: target) != nil else { return text }
        return text.replacing(target, with: "***")
    }
}
