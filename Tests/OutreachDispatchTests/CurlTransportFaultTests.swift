import Foundation
import OutreachCore
@testable import OutreachDispatch
import Testing

/// The libcurl transport against `FaultServer`, the tests' own loopback
/// server (fault injection a real gateway cannot produce on demand).
@Suite("libcurl transport: faults")
struct CurlTransportFaultTests {
    static func transport(connections: Int = 4) throws -> CurlHTTPTransport {
        try CurlHTTPTransport(configuration: .init(maxConnectionsPerHost: connections))
    }

    /// Routes by path: /ok, /post, /slow (200 ms), /429, /500, /503, /hang, /reset, /close.
    static func server() throws -> FaultServer {
        try FaultServer { request in
            switch request.path {
            case "/ok": .respond(status: 202, headers: [("X-Echo", request.query["echo"] ?? "")], body: "0: Accepted for delivery")
            case "/post": .respond(status: 200, body: "\(request.method) \(request.headers["content-type"] ?? "-") \(String(decoding: request.body, as: UTF8.self))")
            case "/slow": .respond(status: 202, body: "0: Accepted for delivery", delay: .milliseconds(200))
            case "/429": .respond(status: 429, headers: [("Retry-After", "7")], body: "Too many requests")
            case "/500": .respond(status: 500, body: "Internal error")
            case "/503": .respond(status: 503, body: "Temporal failure, try again later.")
            case "/hang": .hang
            case "/reset": .reset
            case "/close": .close
            default: .respond(status: 404, body: "Unknown")
            }
        }
    }

    static func failure(_ transport: CurlHTTPTransport, _ request: HTTPRequest) async -> TransportError? {
        do {
            _ = try await transport.perform(request)
            return nil
        } catch {
            return error
        }
    }

    @Test("202: status, headers and body come back; the connection is reused across requests")
    func accepted() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let transport = try Self.transport()
        defer { transport.shutdown() }
        for index in 0..<25 {
            let response = try await transport.perform(HTTPRequest(method: .get, url: server.baseURL + "/ok?echo=\(index)"))
            #expect(response.status == 202)
            #expect(response.bodyText == "0: Accepted for delivery")
            #expect(response.header("x-echo") == "\(index)")
            #expect(response.header("Content-Length") == "24")
        }
        #expect(server.connectionsAccepted == 1)
    }

    @Test("POST sends the body and headers as given")
    func post() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let transport = try Self.transport()
        defer { transport.shutdown() }
        let body = Array(#"{"text":"مرحبا"}"#.utf8)
        let response = try await transport.perform(HTTPRequest(method: .post, url: server.baseURL + "/post",
                                                               headers: [HTTPHeader("Content-Type", "application/json")], body: body))
        #expect(response.bodyText == #"POST application/json {"text":"مرحبا"}"#)
        let put = try await transport.perform(HTTPRequest(method: .put, url: server.baseURL + "/post", body: Array("x=1".utf8)))
        #expect(put.bodyText.hasPrefix("PUT "))
        #expect(put.bodyText.hasSuffix(" x=1"))
    }

    @Test("a reused handle carries nothing over: method, body and headers are each request's own")
    func handleReuse() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let transport = try Self.transport(connections: 1)
        defer { transport.shutdown() }
        let sequence: [HTTPRequest] = [
            HTTPRequest(method: .post, url: server.baseURL + "/post", headers: [HTTPHeader("Content-Type", "application/json")], body: Array("{}".utf8)),
            HTTPRequest(method: .get, url: server.baseURL + "/post"),
            HTTPRequest(method: .put, url: server.baseURL + "/post", body: Array("a=1".utf8)),
            HTTPRequest(method: .get, url: server.baseURL + "/post", headers: [HTTPHeader("X-Only", "here")]),
            HTTPRequest(method: .post, url: server.baseURL + "/post"),
        ]
        var answers: [String] = []
        for request in sequence { answers.append(try await transport.perform(request).bodyText) }
        #expect(answers == ["POST application/json {}", "GET - ", "PUT application/x-www-form-urlencoded a=1", "GET - ", "POST application/x-www-form-urlencoded "])
        let seen = server.requests
        #expect(seen.map(\.method) == ["POST", "GET", "PUT", "GET", "POST"])
        #expect(seen.map { $0.headers["x-only"] } == [nil, nil, nil, "here", nil])
        #expect(seen.allSatisfy { $0.headers["expect"] == nil })
        #expect(server.connectionsAccepted == 1)
    }

    @Test("429 keeps Retry-After; 500 and 503 come back as answers, classified retryable by the gateway")
    func retryableAnswers() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let transport = try Self.transport()
        defer { transport.shutdown() }
        let tooMany = try await transport.perform(HTTPRequest(method: .get, url: server.baseURL + "/429"))
        #expect(tooMany.status == 429)
        #expect(tooMany.header("Retry-After") == "7")
        #expect(try await transport.perform(HTTPRequest(method: .get, url: server.baseURL + "/500")).status == 500)

        let message = OutboundMessage(id: "m", channel: .sms, recipientID: "r", to: "+966501234567", text: "hi")
        for (path, retryAfter) in [("/429", 7.0 as Double?), ("/500", nil), ("/503", nil)] {
            let gateway = KannelGateway(name: "k", settings: KannelSettings(url: server.baseURL + path, username: "u", password: "pw"),
                                        transport: transport)
            let outcome = await gateway.send(message, attempt: 2)
            #expect(outcome.kind == .retryable)
            #expect(outcome.retryAfterSeconds == retryAfter)
            #expect(outcome.attempts == 2)
        }
        let rejected = KannelGateway(name: "k", settings: KannelSettings(url: server.baseURL + "/nope", username: "u", password: "pw"),
                                     transport: transport)
        #expect(await rejected.send(message, attempt: 1).kind == .rejected)
    }

    @Test("an answer that never comes times out on time")
    func hang() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let transport = try Self.transport()
        defer { transport.shutdown() }
        let start = ContinuousClock.now
        let error = await Self.failure(transport, HTTPRequest(method: .get, url: server.baseURL + "/hang", timeout: .milliseconds(300)))
        let elapsed = ContinuousClock.now - start
        #expect(error?.kind == .timeout)
        #expect(error?.curlCode == 28)
        #expect(elapsed >= .milliseconds(290))
        // Far below "never": generous, since a loaded CI machine can be slow to schedule the engine thread.
        #expect(elapsed < .seconds(20))
    }

    @Test("a reset or a connection closed without an answer is connectionReset")
    func reset() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let transport = try Self.transport()
        defer { transport.shutdown() }
        for path in ["/reset", "/close"] {
            let error = await Self.failure(transport, HTTPRequest(method: .get, url: server.baseURL + path, timeout: .seconds(5)))
            #expect(error?.kind == .connectionReset, "\(path): \(String(describing: error))")
            #expect(error?.isRetryable == true)
        }
    }

    @Test("a closed port is connectionRefused")
    func refused() async throws {
        let transport = try Self.transport()
        defer { transport.shutdown() }
        let port = LoopbackPort.free()
        let error = await Self.failure(transport, HTTPRequest(method: .get, url: "http://127.0.0.1:\(port)/x?password=s3cret",
                                                              secrets: ["s3cret"]))
        #expect(error?.kind == .connectionRefused)
        #expect(error?.curlCode == 7)
        #expect(error.map { !$0.detail.contains("s3cret") } == true)
    }

    @Test("requests that cannot be attempted are invalidRequest, and nothing is sent", arguments: [
        HTTPRequest(method: .get, url: "http://[::1/unterminated"),
        HTTPRequest(method: .get, url: "ftp://127.0.0.1/file"),
        HTTPRequest(method: .get, url: "file:///etc/passwd"),
        HTTPRequest(method: .get, url: "http://127.0.0.1:9/", headers: [HTTPHeader("X-Injected", "a\r\nHost: evil")]),
        HTTPRequest(method: .get, url: "http://127.0.0.1:9/", headers: [HTTPHeader("Bad Name:", "x")]),
    ])
    func invalid(request: HTTPRequest) async throws {
        let transport = try Self.transport()
        defer { transport.shutdown() }
        let error = await Self.failure(transport, request)
        #expect(error?.kind == .invalidRequest, "\(String(describing: error))")
        #expect(error?.isRetryable == false)
    }

    @Test("beyond the per-host cap, transfers wait in the engine, and waiting does not count against their timeout")
    func capAndQueuedTimeout() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let transport = try Self.transport(connections: 2)
        defer { transport.shutdown() }
        // 12 transfers of 200 ms over 2 connections take ≥ 1.2 s in all; each
        // has 700 ms. Inside libcurl the later ones would time out.
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<12 {
                group.addTask {
                    try await transport.perform(HTTPRequest(method: .get, url: server.baseURL + "/slow", timeout: .milliseconds(700))).status
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: 202, count: 12))
        #expect(server.maxInFlight <= 2)
        #expect(server.connectionsAccepted <= 2)
    }

    @Test("cancelling the task abandons the transfer at once")
    func cancellation() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let transport = try Self.transport()
        defer { transport.shutdown() }
        let start = ContinuousClock.now
        let task = Task {
            await Self.failure(transport, HTTPRequest(method: .get, url: server.baseURL + "/hang", timeout: .seconds(30)))
        }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        let error = await task.value
        #expect(error?.detail == "cancelled")
        // Well before the request's own 30 s timeout (generous for a loaded machine).
        #expect(ContinuousClock.now - start < .seconds(20))
        // The engine still works afterwards.
        #expect(try await transport.perform(HTTPRequest(method: .get, url: server.baseURL + "/ok")).status == 202)
    }

    @Test("shutdown fails what is in flight or queued, joins the thread, and refuses later work")
    func shutdown() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let transport = try Self.transport(connections: 1)
        let shutDown = Task {
            try await Task.sleep(for: .milliseconds(300))
            transport.shutdown()
        }
        let errors = await withTaskGroup(of: TransportError?.self) { group in
            for _ in 0..<3 {
                group.addTask {
                    await Self.failure(transport, HTTPRequest(method: .get, url: server.baseURL + "/hang", timeout: .seconds(30)))
                }
            }
            return await group.reduce(into: [TransportError?]()) { $0.append($1) }
        }
        try await shutDown.value
        #expect(errors.map { $0?.detail } == Array(repeating: "the HTTP transport was shut down", count: 3))
        let late = await Self.failure(transport, HTTPRequest(method: .get, url: server.baseURL + "/ok"))
        #expect(late?.detail == "the HTTP transport was shut down")
        transport.shutdown() // idempotent
    }

    @Test("many concurrent requests: every one answered exactly once")
    func manyConcurrent() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let transport = try Self.transport(connections: 8)
        defer { transport.shutdown() }
        let echoes = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<500 {
                group.addTask {
                    try await transport.perform(HTTPRequest(method: .get, url: server.baseURL + "/ok?echo=\(index)")).header("X-Echo") ?? ""
                }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(Set(echoes) == Set((0..<500).map(String.init)))
        #expect(echoes.count == 500)
        #expect(server.requests.count == 500)
        #expect(server.connectionsAccepted <= 8)
    }

    @Test("engine threads share the per-host connections: never more in flight or open than the cap in all")
    func enginesShareTheCap() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let transport = try CurlHTTPTransport(configuration: .init(maxConnectionsPerHost: 5, engineThreads: 3))
        defer { transport.shutdown() }
        #expect(transport.engineCount == 3)
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<30 {
                group.addTask {
                    try await transport.perform(HTTPRequest(method: .get, url: server.baseURL + "/slow")).status
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: 202, count: 30))
        #expect(server.maxInFlight <= 5)
        #expect(server.maxInFlight >= 3, "every engine works: \(server.maxInFlight) at most in flight")
        #expect(server.connectionsAccepted <= 5)

        // Never more engines than connections.
        let narrow = try CurlHTTPTransport(configuration: .init(maxConnectionsPerHost: 2, engineThreads: 4))
        defer { narrow.shutdown() }
        #expect(narrow.engineCount == 2)
    }

    @Test("a task preferring the transport's executor runs on an engine thread; its requests are answered there")
    func tasksOnTheEngine() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let transport = try CurlHTTPTransport(configuration: .init(maxConnectionsPerHost: 4, engineThreads: 2))
        defer { transport.shutdown() }
        let executor = try #require(transport.preferredExecutor)
        let results = try await withThrowingTaskGroup(of: (Bool, Bool, String).self) { group in
            for index in 0..<40 {
                group.addTask(executorPreference: executor) {
                    let before = transport.isOnEngineThread
                    let response = try await transport.perform(HTTPRequest(method: .get, url: server.baseURL + "/ok?echo=\(index)"))
                    return (before, transport.isOnEngineThread, response.header("X-Echo") ?? "")
                }
            }
            return try await group.reduce(into: [(Bool, Bool, String)]()) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0.0 && $0.1 })
        #expect(Set(results.map(\.2)) == Set((0..<40).map(String.init)))
        #expect(!transport.isOnEngineThread)
    }

    @Test("shutdown strands no task that prefers an engine: it gets its error and goes on elsewhere")
    func shutdownWithTasksOnTheEngine() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let transport = try CurlHTTPTransport(configuration: .init(maxConnectionsPerHost: 2, engineThreads: 2))
        let executor = try #require(transport.preferredExecutor)
        let task = Task(executorPreference: executor) { () -> (TransportError?, Bool) in
            let error = await Self.failure(transport, HTTPRequest(method: .get, url: server.baseURL + "/hang", timeout: .seconds(30)))
            // Still able to await after the engine is gone.
            try? await Task.sleep(for: .milliseconds(10))
            return (error, transport.isOnEngineThread)
        }
        try await Task.sleep(for: .milliseconds(300))
        transport.shutdown()
        let (error, onEngine) = await task.value
        #expect(error?.detail == CurlEngine.shutDownError.detail)
        #expect(!onEngine)
    }

    @Test("each request's own URL goes out: query set or cleared, another base, a fragment, percent-encoding kept")
    func urlsOnAReusedHandle() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let transport = try Self.transport(connections: 1)
        defer { transport.shutdown() }
        let targets = ["/ok?echo=1&text=%D9%85%D8%B1%D8%AD%D8%A8%D8%A7", "/ok", "/ok?echo=2", "/post?a=b", "/ok?echo=3#part", "/ok?"]
        for target in targets {
            _ = try await transport.perform(HTTPRequest(method: .get, url: server.baseURL + target))
        }
        #expect(server.requests.map(\.target) == ["/ok?echo=1&text=%D9%85%D8%B1%D8%AD%D8%A8%D8%A7", "/ok", "/ok?echo=2",
                                                  "/post?a=b", "/ok?echo=3", "/ok?"])
        // Another host on the same handle: the kept base is replaced.
        let other = try Self.server()
        defer { other.stop() }
        _ = try await transport.perform(HTTPRequest(method: .get, url: other.baseURL + "/ok?echo=4"))
        _ = try await transport.perform(HTTPRequest(method: .get, url: server.baseURL + "/ok?echo=5"))
        #expect(other.requests.map(\.target) == ["/ok?echo=4"])
        #expect(server.requests.last?.target == "/ok?echo=5")
    }
}

/// A gateway (or a proxy in front of it) that answers with something that is not HTTP.
@Suite("libcurl transport: an answer that is not HTTP")
struct NotHTTPAnswerTests {
    @Test("garbage bytes are a retryable error that says the answer was not HTTP", arguments: [
        Array("SSH-2.0-OpenSSH_9.2\r\n".utf8),
        [0x00, 0xFF, 0x13, 0x37, 0x0A, 0x0D, 0x0A],
        Array("<html>proxy error</html>\n".utf8),
    ])
    func garbage(_ bytes: [UInt8]) async throws {
        let server = try FaultServer { _ in .raw(bytes) }
        defer { server.stop() }
        let transport = try CurlTransportFaultTests.transport()
        defer { transport.shutdown() }
        let error = await CurlTransportFaultTests.failure(transport, HTTPRequest(method: .get, url: server.baseURL + "/x", timeout: .seconds(5)))
        #expect(error?.kind == .invalidResponse, "\(String(describing: error))")
        #expect(error?.isRetryable == true)
        #expect(error?.detail.contains("not HTTP") == true, "\(String(describing: error))")
        // Through a gateway: retried later, not rejected for good.
        let gateway = KannelGateway(name: "k", settings: KannelSettings(url: server.baseURL + "/x", username: "u", password: "p"),
                                    transport: transport)
        let outcome = await gateway.send(OutboundMessage(id: "m", channel: .sms, recipientID: "r", to: "+966501234567", text: "hi"),
                                         attempt: 1)
        #expect(outcome.kind == .retryable, "\(outcome.detail)")
    }
}
