import CCurl
public import Logging

/// The production `HTTPTransport`: libcurl's multi interface on one
/// dedicated thread.
///
/// Many transfers run at once over one multi handle; connections are kept
/// alive and reused (HTTP/1.1) or multiplexed (HTTP/2 over TLS, when the
/// server offers it). `perform` never blocks Swift's cooperative pool: it
/// hands the request to the engine thread through a locked queue, wakes it
/// with `curl_multi_wakeup`, and suspends until the transfer completes.
///
/// Per host, at most `Configuration.maxConnectionsPerHost` transfers are
/// handed to libcurl at a time; the rest wait in the engine's own queue.
/// libcurl's `CURLOPT_TIMEOUT_MS` counts time spent waiting behind
/// `CURLMOPT_MAX_HOST_CONNECTIONS`, so queueing inside libcurl would make
/// queued requests time out; queued here, `HTTPRequest.timeout` starts when
/// the transfer really starts.
///
/// The work is spread over `Configuration.engineThreads` engines, each a
/// thread with its own multi handle and its share of the per-host
/// connections (8 connections over 2 engines: 4 each, never more in all;
/// see `CurlWorkers`).
///
/// Call `stop()` (from a task) or `shutdown()` (from synchronous code) when
/// done: it fails whatever is queued or in flight and waits for the threads
/// to end. The deinitialiser only asks them to end, never blocking a thread.
public final class CurlHTTPTransport: HTTPTransport {
    /// Connection limits, CA trust and engine threads, fixed when the transport is made.
    public struct Configuration: Sendable {
        /// Connections per host (`CURLMOPT_MAX_HOST_CONNECTIONS`), which is
        /// also how many transfers per host are handed to libcurl at once.
        public var maxConnectionsPerHost: Int
        /// Transfers per connection handed to libcurl at once: 1 for
        /// HTTP/1.1 gateways; raise it for a gateway known to speak HTTP/2,
        /// where one connection carries many streams.
        public var streamsPerConnection: Int
        /// Connections kept open in the cache (`CURLMOPT_MAXCONNECTS`);
        /// default max(64, 4 × `maxConnectionsPerHost`).
        public var connectionCacheSize: Int?
        public var userAgent: String
        /// A response body longer than this is cut (gateway answers are small).
        public var maxResponseBytes: Int
        /// PEM file of CA certificates to trust instead of the system's
        /// (`CURLOPT_CAINFO`), for a gateway behind a private CA.
        public var caBundlePath: String?
        /// Engine threads (each one multi handle) the connections are shared
        /// over; nil: one per core, at most 4, never more than
        /// `maxConnectionsPerHost`.
        public var engineThreads: Int?

        public init(maxConnectionsPerHost: Int = 8, streamsPerConnection: Int = 1, connectionCacheSize: Int? = nil,
                    userAgent: String = "Outreach", maxResponseBytes: Int = 1 << 20, caBundlePath: String? = nil,
                    engineThreads: Int? = nil) {
            self.engineThreads = engineThreads
            self.maxConnectionsPerHost = maxConnectionsPerHost
            self.streamsPerConnection = streamsPerConnection
            self.connectionCacheSize = connectionCacheSize
            self.userAgent = userAgent
            self.maxResponseBytes = maxResponseBytes
            self.caBundlePath = caBundlePath
        }
    }

    public let configuration: Configuration
    private let engines: CurlWorkers<CurlEngine>

    /// Starts the engine threads. Fails only when libcurl cannot initialise.
    public init(configuration: Configuration = Configuration(),
                logger: Logger = Logger(label: "outreach.curl")) throws(TransportError) {
        guard CurlGlobal.initialize() else {
            throw TransportError(kind: .other, detail: "curl_global_init failed")
        }
        let connections = max(1, configuration.maxConnectionsPerHost)
        let streams = max(1, configuration.streamsPerConnection)
        let shares = CurlWorkers<CurlEngine>.shares(of: connections, threads: configuration.engineThreads)
        var engines: [CurlEngine] = []
        for (index, share) in shares.enumerated() {
            guard let multi = CurlMultiHandle() else {
                for engine in engines { engine.shutdown() }
                throw TransportError(kind: .other, detail: "curl_multi_init failed")
            }
            multi.set(CURLMOPT_MAX_HOST_CONNECTIONS, share)
            multi.set(CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
            // libcurl's default cache is 4 × the handles added at the moment, so
            // a lull with one transfer in flight would close warm connections.
            multi.set(CURLMOPT_MAXCONNECTS, max(1, configuration.connectionCacheSize ?? max(64, connections * 4)))
            let engine = CurlEngine(
                multi: multi,
                limits: CurlEngine.Limits(transfersPerHost: share * streams,
                                          userAgent: configuration.userAgent,
                                          maxBodyBytes: configuration.maxResponseBytes,
                                          caBundlePath: configuration.caBundlePath,
                                          idleHandles: max(16, share * streams * 2)),
                logger: logger)
            engine.start(name: shares.count == 1 ? "outreach-curl" : "outreach-curl-\(index + 1)")
            engines.append(engine)
        }
        self.configuration = configuration
        self.engines = CurlWorkers(engines)
    }

    deinit {
        // Never blocks: each engine thread holds its engine until it has failed what was left and ended.
        for engine in engines.all { engine.requestStop() }
    }

    /// Whether the caller runs on one of the engine threads.
    var isOnEngineThread: Bool { engines.all.contains(where: \.isCurrentThread) }

    /// How many engine threads share the work.
    public var engineCount: Int { engines.all.count }

    public func perform(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
        if Task.isCancelled { throw CurlEngine.cancelledError }
        // A task running on an engine (it prefers it) hands over to that
        // engine: same thread, nothing to wake.
        let engine = engines.forCaller
        let id = engine.makeID()
        let hostKey = CurlSubmission.hostKey(of: request.url)
        engine.outstanding.wrappingAdd(1, ordering: .relaxed)
        defer { engine.outstanding.wrappingSubtract(1, ordering: .relaxed) }
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<HTTPResponse, TransportError>, Never>) in
                engine.submit(CurlSubmission(id: id, request: request, hostKey: hostKey, continuation: continuation))
            }
        } onCancel: {
            engine.cancel(id)
        }
        return try result.get()
    }

    /// An engine thread, as the executor for a task that will make
    /// requests (the dispatcher runs each attempt on one); the engines take turns.
    public var preferredExecutor: (any TaskExecutor)? { engines.next }

    /// Fails queued and in-flight transfers (`kind: .other`, "shut down"),
    /// stops the engine thread and waits for it. Later `perform` calls fail
    /// at once. Safe to call more than once.
    public func shutdown() {
        for engine in engines.all { engine.shutdown() }
    }

    /// `shutdown()` for tasks: returns once the engine threads have ended, without blocking a thread.
    public func stop() async {
        for engine in engines.all { await engine.stop() }
    }

    /// libcurl's version, e.g. `7.88.1`.
    public static var libcurlVersion: String { CurlGlobal.version }
}
