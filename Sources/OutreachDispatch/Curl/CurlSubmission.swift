/// One `perform` call waiting for the engine: the request, where to deliver
/// the result, and which host's connection cap it counts against.
struct CurlSubmission: Sendable {
    let id: UInt64
    let request: HTTPRequest
    let hostKey: String
    let continuation: CheckedContinuation<Result<HTTPResponse, TransportError>, Never>

    func resume(_ result: Result<HTTPResponse, TransportError>) {
        continuation.resume(returning: result)
    }

    /// `scheme://host:port`, lower-cased: the unit libcurl's
    /// `CURLMOPT_MAX_HOST_CONNECTIONS` counts connections by. Scans bytes:
    /// it runs for every request.
    static func hostKey(of url: String) -> String {
        let bytes = Array(url.utf8.prefix(512))
        var index = 0
        var scheme: [UInt8] = Array("http".utf8)
        if let colon = bytes.firstIndex(of: UInt8(ascii: ":")), colon + 2 < bytes.count,
           bytes[colon + 1] == UInt8(ascii: "/"), bytes[colon + 2] == UInt8(ascii: "/") {
            scheme = bytes[..<colon].map { $0 | 0x20 }
            index = colon + 3
        }
        var authorityEnd = index
        while authorityEnd < bytes.count, bytes[authorityEnd] != UInt8(ascii: "/"),
              bytes[authorityEnd] != UInt8(ascii: "?"), bytes[authorityEnd] != UInt8(ascii: "#") {
            authorityEnd += 1
        }
        var authority = bytes[index..<authorityEnd]
        if let at = authority.lastIndex(of: UInt8(ascii: "@")) { authority = authority[(at + 1)...] }
        var host = authority.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        let closing = host.lastIndex(of: UInt8(ascii: "]")) ?? -1
        let hasPort = (host.lastIndex(of: UInt8(ascii: ":")) ?? -1) > closing
        if !hasPort { host += Array((scheme == Array("https".utf8) ? ":443" : ":80").utf8) }
        return String(decoding: scheme + Array("://".utf8) + host, as: UTF8.self)
    }
}

/// A first-in first-out queue with O(1) push and pop.
struct CurlFIFO<Element> {
    private var items: [Element?] = []
    private var head = 0

    var isEmpty: Bool { head == items.count }
    var count: Int { items.count - head }

    mutating func push(_ element: Element) { items.append(element) }

    mutating func pop() -> Element? {
        guard head < items.count else { return nil }
        let element = items[head]
        items[head] = nil
        head += 1
        if head > 64 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        return element
    }

    /// Removes and returns the first element matching `predicate` (rare: cancellation).
    mutating func remove(where predicate: (Element) -> Bool) -> Element? {
        for index in head..<items.count {
            if let element = items[index], predicate(element) {
                items.remove(at: index)
                return element
            }
        }
        return nil
    }

    mutating func drain() -> [Element] {
        let rest = items[head...].compactMap { $0 }
        items = []
        head = 0
        return rest
    }
}
