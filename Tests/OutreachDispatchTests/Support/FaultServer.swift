import Foundation
import Synchronization
import Glibc

/// A loopback HTTP/1.1 server of the tests' own, for fault injection that a
/// real gateway (Kannel) cannot produce on demand: 429 with Retry-After,
/// 500, an answer that never comes, a connection reset or closed without an
/// answer, a slow answer. Plain POSIX sockets, one thread per connection;
/// keep-alive is honoured so connection reuse can be observed.
final class FaultServer: @unchecked Sendable {
    struct Request: Sendable {
        var method: String
        /// Path and query, as sent.
        var target: String
        var headers: [String: String]
        var body: [UInt8]

        var path: String { String(target.prefix { $0 != "?" }) }
        /// Query parameters, percent-decoded (`+` is a space).
        var query: [String: String] {
            guard let mark = target.firstIndex(of: "?") else { return [:] }
            var result: [String: String] = [:]
            for pair in target[target.index(after: mark)...].split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = FaultServer.decode(String(parts[0]))
                result[name] = parts.count > 1 ? FaultServer.decode(String(parts[1])) : ""
            }
            return result
        }
    }

    enum Answer: Sendable {
        /// Answers after `delay`, keeping the connection open.
        case respond(status: Int, headers: [(String, String)] = [], body: String = "", delay: Duration = .zero)
        /// Reads the request and never answers (until the server stops or the client gives up).
        case hang
        /// Closes with a TCP reset (SO_LINGER 0) instead of answering.
        case reset
        /// Closes cleanly (FIN) without a byte of answer.
        case close
        /// Writes these bytes as the whole answer (something that is not HTTP), then closes.
        case raw([UInt8])
    }

    let port: UInt16
    var baseURL: String { "http://127.0.0.1:\(port)" }

    private struct State {
        var stopped = false
        var connections: Set<Int32> = []
        var accepted = 0
        var requests: [Request] = []
        var inFlight = 0
        var maxInFlight = 0
    }

    private let listener: Int32
    private let handler: @Sendable (Request) -> Answer
    private let state = Mutex(State())
    private let threads = DispatchGroup()

    /// Starts listening on a free loopback port; `handler` decides each answer.
    init(_ handler: @escaping @Sendable (Request) -> Answer) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = LoopbackPort.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 512) == 0 else {
            Glibc.close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        listener = fd
        port = LoopbackPort.boundPort(fd)
        self.handler = handler
        threads.enter()
        let thread = Thread { [self] in
            acceptLoop()
            threads.leave()
        }
        thread.name = "fault-server-accept"
        thread.start()
    }

    deinit { stop() }

    /// Connections accepted so far (keep-alive reuse shows as fewer connections than requests).
    var connectionsAccepted: Int { state.withLock { $0.accepted } }
    var requests: [Request] { state.withLock { $0.requests } }
    /// The most requests the server was working on at once.
    var maxInFlight: Int { state.withLock { $0.maxInFlight } }

    /// Closes every connection and the listener, and waits for the threads.
    func stop() {
        let connections = state.withLock { s -> Set<Int32>? in
            if s.stopped { return nil }
            s.stopped = true
            return s.connections
        }
        guard let connections else { return }
        for fd in connections { shutdown(fd, Int32(SHUT_RDWR)) }
        shutdown(listener, Int32(SHUT_RDWR))
        _ = threads.wait(timeout: .now() + 5)
        Glibc.close(listener)
    }

    private var stopped: Bool { state.withLock { $0.stopped } }

    private func acceptLoop() {
        while !stopped {
            var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) > 0 else { continue }
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            let admitted = state.withLock { s -> Bool in
                guard !s.stopped else { return false }
                s.connections.insert(client)
                s.accepted += 1
                return true
            }
            guard admitted else {
                Glibc.close(client)
                return
            }
            threads.enter()
            let thread = Thread { [self] in
                serve(client)
                threads.leave()
            }
            thread.name = "fault-server-conn"
            thread.start()
        }
    }

    private func serve(_ fd: Int32) {
        var buffer: [UInt8] = []
        var closeMode: Answer? = nil
        defer {
            state.withLock { _ = $0.connections.remove(fd) }
            if case .reset = closeMode {
                var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
                setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
            }
            Glibc.close(fd)
        }
        while let request = readRequest(fd, &buffer) {
            state.withLock { s in
                s.requests.append(request)
                s.inFlight += 1
                s.maxInFlight = max(s.maxInFlight, s.inFlight)
            }
            let answer = handler(request)
            defer { state.withLock { $0.inFlight -= 1 } }
            switch answer {
            case .respond(let status, let headers, let body, let delay):
                if delay > .zero { sleepUnlessStopped(delay) }
                var text = "HTTP/1.1 \(status) \(Self.reason(status))\r\n"
                for (name, value) in headers { text += "\(name): \(value)\r\n" }
                text += "Content-Length: \(body.utf8.count)\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
                text += body
                guard writeAll(fd, Array(text.utf8)) else { return }
            case .hang:
                // Wait until the client gives up (EOF) or the server stops.
                while !stopped {
                    var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                    if poll(&poller, 1, 100) > 0 {
                        var scratch = [UInt8](repeating: 0, count: 512)
                        if recv(fd, &scratch, scratch.count, 0) <= 0 { return }
                    }
                }
                return
            case .reset, .close:
                closeMode = answer
                return
            case .raw(let bytes):
                _ = writeAll(fd, bytes)
                return
            }
        }
    }

    private func sleepUnlessStopped(_ delay: Duration) {
        let deadline = ContinuousClock.now + delay
        while !stopped, ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.005)
        }
    }

    /// Reads one request (headers, then a Content-Length body); nil at EOF.
    private func readRequest(_ fd: Int32, _ buffer: inout [UInt8]) -> Request? {
        let separator: [UInt8] = [13, 10, 13, 10]
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            if let end = Self.find(separator, in: buffer) {
                let head = String(decoding: buffer[..<end], as: UTF8.self)
                var lines = head.components(separatedBy: "\r\n")
                let requestLine = lines.removeFirst().split(separator: " ")
                guard requestLine.count >= 2 else { return nil }
                var headers: [String: String] = [:]
                for line in lines {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
                let length = Int(headers["content-length"] ?? "0") ?? 0
                let bodyStart = end + 4
                while buffer.count < bodyStart + length {
                    let n = recv(fd, &chunk, chunk.count, 0)
                    if n <= 0 { return nil }
                    buffer.append(contentsOf: chunk[..<n])
                }
                let body = Array(buffer[bodyStart..<(bodyStart + length)])
                buffer.removeFirst(bodyStart + length)
                return Request(method: String(requestLine[0]), target: String(requestLine[1]), headers: headers, body: body)
            }
            let n = recv(fd, &chunk, chunk.count, 0)
            if n <= 0 { return nil }
            buffer.append(contentsOf: chunk[..<n])
        }
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if Array(haystack[i..<(i + needle.count)]) == needle { return i }
        }
        return nil
    }

    static func decode(_ text: String) -> String {
        String(decoding: FakeSMSCMessage.urlDecoded(Substring(text)), as: UTF8.self)
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 202: "Accepted"
        case 400: "Bad Request"
        case 403: "Forbidden"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }
}
