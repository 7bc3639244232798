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
    /// `CURLMOPT_MAX_HOST_CONNECTIONS` counts connections by.
    static func hostKey(of url: String) -> String {
        var rest = Substring(url)
        var scheme = "http"
        if let range = rest.range(of: "://") {
            scheme = rest[..<range.lowerBound].lowercased()
            rest = rest[range.upperBound...]
        }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let hostPort = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? authority
        var host = hostPort.lowercased()
        let hasPort: Bool
        if host.hasPrefix("[") {
            hasPort = host.contains("]:")
        } else {
            hasPort = host.contains(":")
        }
        if !hasPort { host += scheme == "https" ? ":443" : ":80" }
        return "\(scheme)://\(host)"
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
