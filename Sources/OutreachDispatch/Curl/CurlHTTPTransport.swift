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
/// Call `shutdown()` when done (the deinitialiser does it too): it fails
/// whatever is queued or in flight and joins the thread.
public final class CurlHTTPTransport: HTTPTransport {
    public struct Configuration: Sendable {
        /// Connections per host (`CURLMOPT_MAX_HOST_CONNECTIONS`), which is
        /// also how many transfers per host are handed to libcurl at once.
        public var maxConnectionsPerHost: Int
        /// Transfers per connection handed to libcurl at once: 1 for
        /// HTTP/1.1 gateways; raise it for a gateway known to speak HTTP/2,
        /// where one connection carries many streams.
        public var streamsPerConnection: Int
        /// Connections kept open in the cache (`CURLMOPT_MAXCONNECTS`).
        public var connectionCacheSize: Int?
        public var userAgent: String
        /// A response body longer than this is cut (gateway answers are small).
        public var maxResponseBytes: Int

        public init(maxConnectionsPerHost: Int = 8, streamsPerConnection: Int = 1, connectionCacheSize: Int? = nil,
                    userAgent: String = "Outreach", maxResponseBytes: Int = 1 << 20) {
            self.maxConnectionsPerHost = maxConnectionsPerHost
            self.streamsPerConnection = streamsPerConnection
            self.connectionCacheSize = connectionCacheSize
            self.userAgent = userAgent
            self.maxResponseBytes = maxResponseBytes
        }
    }

    public let configuration: Configuration
    private let engine: CurlEngine

    /// Starts the engine thread. Fails only when libcurl cannot initialise.
    public init(configuration: Configuration = Configuration(),
                logger: Logger = Logger(label: "outreach.curl")) throws(TransportError) {
        guard CurlGlobal.initialize() else {
            throw TransportError(kind: .other, detail: "curl_global_init failed")
        }
        guard let multi = CurlMultiHandle() else {
            throw TransportError(kind: .other, detail: "curl_multi_init failed")
        }
        let connections = max(1, configuration.maxConnectionsPerHost)
        let streams = max(1, configuration.streamsPerConnection)
        multi.set(CURLMOPT_MAX_HOST_CONNECTIONS, connections)
        multi.set(CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
        if let cache = configuration.connectionCacheSize {
            multi.set(CURLMOPT_MAXCONNECTS, max(1, cache))
        }
        self.configuration = configuration
        engine = CurlEngine(
            multi: multi,
            limits: CurlEngine.Limits(transfersPerHost: connections * streams,
                                      userAgent: configuration.userAgent,
                                      maxBodyBytes: configuration.maxResponseBytes,
                                      idleHandles: max(16, connections * streams * 2)),
            logger: logger)
        engine.start()
    }

    deinit {
        engine.shutdown()
    }

    public func perform(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
        if Task.isCancelled { throw CurlEngine.cancelledError }
        let engine = engine
        let id = engine.makeID()
        let hostKey = CurlSubmission.hostKey(of: request.url)
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<HTTPResponse, TransportError>, Never>) in
                engine.submit(CurlSubmission(id: id, request: request, hostKey: hostKey, continuation: continuation))
            }
        } onCancel: {
            engine.cancel(id)
        }
        return try result.get()
    }

    /// Fails queued and in-flight transfers (`kind: .other`, "shut down"),
    /// stops the engine thread and waits for it. Later `perform` calls fail
    /// at once. Safe to call more than once.
    public func shutdown() {
        engine.shutdown()
    }

    /// libcurl's version, e.g. `7.88.1`.
    public static var libcurlVersion: String { CurlGlobal.version }
}
