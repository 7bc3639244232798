/// Twilio's request signature (`X-Twilio-Signature`): base64 of
/// HMAC-SHA1(auth token, the full URL Twilio requested followed by every
/// POST parameter's name and value, sorted by name). It proves a webhook
/// came from the account holding the token, whatever path it was sent to.
public enum TwilioSignature {
    /// The signature Twilio sends for `url` and the form `parameters` (name, value; repeated names allowed).
    public static func expected(url: String, parameters: [(String, String)], authToken: String) -> String {
        var data = Array(url.utf8)
        // Twilio sorts by name, then by value for a repeated name (its helper libraries do the same).
        for (name, value) in parameters.sorted(by: { ($0.0, $0.1) < ($1.0, $1.1) }) {
            data += Array(name.utf8)
            data += Array(value.utf8)
        }
        return TransferEncoding.base64(SHA1.hmac(key: Array(authToken.utf8), message: data))
    }

    /// Whether `signature` is Twilio's for this request under any of `authTokens`. The URL is also tried
    /// with the default port written out or left out (Twilio signs the URL as configured, and proxies
    /// differ in which they pass on), as Twilio's helper libraries do. Compared in constant time.
    public static func isValid(_ signature: String, url: String, parameters: [(String, String)], authTokens: [String]) -> Bool {
        guard !signature.isEmpty, signature.utf8.count <= 64 else { return false }
        var valid = false
        for token in authTokens {
            for candidate in urlVariants(url) {
                valid = equal(expected(url: candidate, parameters: parameters, authToken: token), signature) || valid
            }
        }
        return valid
    }

    /// `url` as given, and with its scheme's default port added or removed.
    static func urlVariants(_ url: String) -> [String] {
        for (scheme, port) in [("https://", ":443"), ("http://", ":80")] where url.lowercased().hasPrefix(scheme) {
            let rest = url.dropFirst(scheme.count)
            let hostEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
            let host = rest[..<hostEnd], tail = rest[hostEnd...]
            let prefix = url.prefix(scheme.count)
            if host.hasSuffix(port) { return [url, String(prefix + host.dropLast(port.count) + tail)] }
            if !host.contains(":") { return [url, String(prefix + host + port + tail)] }
            return [url]
        }
        return [url]
    }

    private static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var difference = UInt8(truncatingIfNeeded: x.count ^ y.count)
        for i in x.indices { difference |= x[i] ^ (i < y.count ? y[i] : 0) }
        return difference == 0
    }
}
