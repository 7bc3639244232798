public import Hummingbird
public import Logging

/// For `make bench`: the same Hummingbird application shape as `outreach serve` (request context, server
/// options) with one route in the shape of Kannel's `dlr-url` that reads nothing and writes nothing. What it
/// answers per second on a machine is the ceiling delivery-report ingest is measured against.
public enum BenchmarkServer {
    public static func bareApplication(host: String, port: Int, logger: Logger,
                                       onRunning: @escaping @Sendable () async -> Void = {}) -> some ApplicationProtocol {
        let router = Router(context: WebhookRequestContext.self)
        router.get("hooks/:secret/kannel/dlr") { _, _ -> Response in WebhookRequest.text(.ok, "ok") }
        return Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "outreach"),
                           onServerRunning: { _ in await onRunning() }, logger: logger)
    }
}
