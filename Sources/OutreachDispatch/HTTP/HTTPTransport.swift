/// Performs HTTP requests. The production conformer drives libcurl's multi
/// interface on a dedicated thread; gateways only see this protocol.
public protocol HTTPTransport: Sendable {
    /// Performs one request. Never blocks the cooperative thread pool.
    func perform(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse

    /// Where a task that mostly waits on this transport runs best (the
    /// libcurl transport: one of its engine threads), or nil for anywhere.
    var preferredExecutor: (any TaskExecutor)? { get }

    /// Ends what the transport holds open (threads, connections): requests in flight fail, later ones fail at
    /// once. Returns when it is done, without blocking a thread. Default: nothing to end.
    func stop() async
}

extension HTTPTransport {
    public var preferredExecutor: (any TaskExecutor)? { nil }
    public func stop() async {}
}
