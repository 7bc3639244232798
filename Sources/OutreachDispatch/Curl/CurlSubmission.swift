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
        var url = url
        return url.withUTF8 { bytes in
            // Only the authority matters; it is near the start.
            let count = min(bytes.count, 512)
            var index = 0
            var https = false
            var colon = 0
            while colon < count, bytes[colon] != UInt8(ascii: ":"), bytes[colon] != UInt8(ascii: "/") { colon += 1 }
            var key: [UInt8] = []
            key.reserveCapacity(48)
            if colon + 2 < count, bytes[colon] == UInt8(ascii: ":"), bytes[colon + 1] == UInt8(ascii: "/"),
               bytes[colon + 2] == UInt8(ascii: "/") {
                for i in 0..<colon { key.append(lower(bytes[i])) }
                https = key.elementsEqual("https".utf8)
                index = colon + 3
            } else {
                key.append(contentsOf: "http".utf8)
            }
            key.append(contentsOf: "://".utf8)
            var authorityEnd = index
            while authorityEnd < count, bytes[authorityEnd] != UInt8(ascii: "/"),
                  bytes[authorityEnd] != UInt8(ascii: "?"), bytes[authorityEnd] != UInt8(ascii: "#") {
                authorityEnd += 1
            }
            var hostStart = index
            for i in index..<authorityEnd where bytes[i] == UInt8(ascii: "@") { hostStart = i + 1 }
            var closing = -1, lastColon = -1
            for i in hostStart..<authorityEnd {
                key.append(lower(bytes[i]))
                if bytes[i] == UInt8(ascii: "]") { closing = i }
                if bytes[i] == UInt8(ascii: ":") { lastColon = i }
            }
            if lastColon <= closing { key.append(contentsOf: (https ? ":443" : ":80").utf8) }
            return String(decoding: key, as: UTF8.self)
        }
    }

    @inline(__always)
    private static func lower(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
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
