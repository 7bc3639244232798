import CCurl

/// Owns one `CURLM*`. Touched only by the engine thread, except `wakeup()`,
/// which libcurl documents as callable from any thread.
final class CurlMultiHandle {
    let raw: UnsafeMutableRawPointer

    init?() {
        guard let handle = curl_multi_init() else { return nil }
        raw = handle
    }

    deinit {
        curl_multi_cleanup(raw)
    }

    @discardableResult
    func set(_ option: CURLMoption, _ value: Int) -> CURLMcode {
        outreach_multi_setopt_long(raw, option, value)
    }

    func add(_ easy: CurlEasyHandle) -> CURLMcode {
        curl_multi_add_handle(raw, easy.raw)
    }

    @discardableResult
    func remove(_ easy: CurlEasyHandle) -> CURLMcode {
        curl_multi_remove_handle(raw, easy.raw)
    }

    /// Drives every transfer as far as it can go without blocking.
    @discardableResult
    func perform() -> Int32 {
        var running: Int32 = 0
        curl_multi_perform(raw, &running)
        return running
    }

    /// Waits for socket activity, a timeout, or `wakeup()`.
    func poll(timeoutMilliseconds: Int32) {
        var ready: Int32 = 0
        curl_multi_poll(raw, nil, 0, timeoutMilliseconds, &ready)
    }

    /// Interrupts a `poll` in progress (or the next one). Thread-safe.
    func wakeup() {
        curl_multi_wakeup(raw)
    }

    /// Finished transfers since the last call: the `CURL*` and its result.
    func completed() -> [(handle: UnsafeMutableRawPointer, result: CURLcode)] {
        var done: [(handle: UnsafeMutableRawPointer, result: CURLcode)] = []
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(raw, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            done.append((UnsafeMutableRawPointer(easy), message.pointee.data.result))
        }
        return done
    }
}
