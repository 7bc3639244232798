import OutreachCore
/// Percent-encoding for URLs and `application/x-www-form-urlencoded` bodies:
/// everything but RFC 3986's unreserved characters is written `%XX` of its
/// UTF-8 bytes (a space is `%20`), so Arabic text and `&`, `=`, `+` in a
/// message arrive exactly as written.
public enum HTTPPercentEncoding {
    public static func encode(_ text: String) -> String { PercentEncoding.encode(text) }

    /// `name=value&…`, each side encoded.
    public static func form(_ pairs: [(name: String, value: String)]) -> String {
        pairs.map { encode($0.name) + "=" + encode($0.value) }.joined(separator: "&")
    }
}
