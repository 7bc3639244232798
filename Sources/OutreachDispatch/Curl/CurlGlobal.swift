import CCurl

/// libcurl's process-wide initialisation, done exactly once.
///
/// `curl_global_init` is not thread-safe on every build of libcurl, so it
/// must run once before any handle exists. A `static let` is initialised
/// lazily and atomically by the Swift runtime (`swift_once`), which gives
/// exactly-once semantics without a lock of our own. This is the only
/// global the dispatch layer has (house style, habit 4).
enum CurlGlobal {
    private static let initResult: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

    /// Initialises libcurl if nobody has; returns whether it succeeded.
    @discardableResult
    static func initialize() -> Bool {
        initResult == CURLE_OK
    }

    /// The libcurl version string (e.g. `7.88.1`), for diagnostics.
    static var version: String {
        guard let info = outreach_version_info(), let text = info.pointee.version else { return "unknown" }
        return String(cString: text)
    }
}
