public import Foundation
public import Hummingbird
public import Logging
public import OutreachCore
public import Prometheus
import Synchronization

/// What `/metrics` reads from the ledger when it is scraped.
public protocol MetricsLedgerReader: Sendable {
    /// Messages per campaign and state (test sends left out).
    func messageCountsByState() async throws -> [String: [LedgerState: Int]]
    /// Each launched campaign's scheduler watermark: every send due up to it is in the ledger.
    func launchedWatermarks() async throws -> [String: Date]
}

/// `GET /metrics` in the Prometheus text format, unauthenticated like `/healthz` (`server: {metrics: false}`
/// turns it off). Serves everything in `registry` — what the executable's bootstrapped swift-metrics
/// factory records there (the dispatcher's `outreach_gateway_send_duration_seconds`) — plus what the server
/// counts and reads itself:
/// - `outreach_webhook_requests_total{route, result}`: webhook calls by route (`kannel/dlr`, …,
///   `unsubscribe`, `unknown`) and result (`accepted`, or the status refused with: `400`, `401`, `413`, …);
/// - `outreach_messages{campaign, state}`: messages per campaign and ledger state, read from the ledger at
///   scrape time, at most once per `ledgerInterval` (one pass over the ledger; scrapes in between get the
///   last figures);
/// - `outreach_scheduler_lag_seconds{campaign}`: with the scheduler in the process, how far each launched
///   campaign's materialisation watermark is behind now.
public final class ServerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let ledger: (any MetricsLedgerReader)?
    let schedulerLag: Bool
    let ledgerInterval: Duration
    let logger: Logger

    private struct LedgerGauges {
        var readAt: ContinuousClock.Instant?
        var messages: [String: [LedgerState: Gauge]] = [:]
        var lag: [String: Gauge] = [:]
    }
    private let gauges = Mutex(LedgerGauges())
    /// One ledger read at a time; scrapes that arrive during it wait for it rather than start another.
    private let reading = AsyncSerialGate()

    public init(registry: PrometheusCollectorRegistry, ledger: (any MetricsLedgerReader)?, schedulerLag: Bool = false,
                ledgerInterval: Duration = .seconds(30), logger: Logger) {
        self.registry = registry
        self.ledger = ledger
        self.schedulerLag = schedulerLag
        self.ledgerInterval = ledgerInterval
        self.logger = logger
    }

    static let webhookRequests = "outreach_webhook_requests_total"
    static let messages = "outreach_messages"
    static let lag = "outreach_scheduler_lag_seconds"

    func webhookCounter(route: String, result: String) -> Counter {
        registry.makeCounter(name: Self.webhookRequests, labels: [("route", route), ("result", result)],
                             help: "Webhook requests by route and result (accepted, or the HTTP status they were refused with)")
    }

    /// The exposition, after the ledger's figures are brought up to date.
    func scrape() async -> [UInt8] {
        await refreshLedgerGauges()
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }

    private func refreshLedgerGauges() async {
        guard let ledger else { return }
        await reading.run {
            let now = ContinuousClock.now
            let due = self.gauges.withLock { state in state.readAt.map { now - $0 >= self.ledgerInterval } ?? true }
            if due {
                do {
                    let counts = try await ledger.messageCountsByState()
                    self.setMessages(counts)
                    self.gauges.withLock { $0.readAt = now }
                } catch {
                    self.logger.error("metrics: the ledger does not answer", metadata: ["error": "\(error)"])
                }
            }
            guard self.schedulerLag else { return }
            do {
                self.setLag(try await ledger.launchedWatermarks(), now: Date())
            } catch {
                self.logger.error("metrics: the ledger does not answer", metadata: ["error": "\(error)"])
            }
        }
    }

    private func setMessages(_ counts: [String: [LedgerState: Int]]) {
        gauges.withLock { state in
            for campaign in Set(counts.keys).union(state.messages.keys) {
                for ledgerState in LedgerState.allCases {
                    let value = counts[campaign]?[ledgerState] ?? 0
                    if let gauge = state.messages[campaign]?[ledgerState] {
                        gauge.set(Double(value))
                    } else if value > 0 {
                        let gauge = registry.makeGauge(name: Self.messages, labels: [("campaign", campaign), ("state", ledgerState.rawValue)],
                                                       help: "Messages per campaign and ledger state (test sends left out)")
                        gauge.set(Double(value))
                        state.messages[campaign, default: [:]][ledgerState] = gauge
                    }
                }
            }
        }
    }

    private func setLag(_ watermarks: [String: Date], now: Date) {
        gauges.withLock { state in
            for (campaign, gauge) in state.lag where watermarks[campaign] == nil {
                registry.unregisterGauge(gauge)
                state.lag[campaign] = nil
            }
            for (campaign, watermark) in watermarks {
                let gauge = state.lag[campaign] ?? registry.makeGauge(
                    name: Self.lag, labels: [("campaign", campaign)],
                    help: "How far the scheduler's materialisation watermark is behind now, per launched campaign")
                gauge.set(max(0, now.timeIntervalSince(watermark)))
                state.lag[campaign] = gauge
            }
        }
    }

    /// Registers `GET /metrics`.
    func register(on router: Router<WebhookRequestContext>) {
        router.get("metrics") { _, _ -> Response in
            let body = await self.scrape()
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
    }
}

/// Counts every request under `/hooks/` and `/unsubscribe/` by route and result. Outermost, so it sees the
/// 401 the hooks' own middleware makes of an unknown path, and the 413 of an oversize body.
struct WebhookMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics
    static var hookRoutes: Set<Substring> { ["kannel/dlr", "twilio/status", "jasmin/dlr", "kannel/mo", "twilio/inbound"] }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let route = Self.route(request.uri.path) else { return try await next(request, context) }
        do {
            let response = try await next(request, context)
            count(route, response.status)
            return response
        } catch let error as any HTTPResponseError {
            count(route, error.status)
            throw error
        } catch {
            count(route, .internalServerError)
            throw error
        }
    }

    private func count(_ route: String, _ status: HTTPResponse.Status) {
        let result = status.code < 400 ? "accepted" : String(status.code)
        metrics.webhookCounter(route: route, result: result).increment()
    }

    /// The route label for a path (never the secret or a token): nil outside the webhooks.
    static func route(_ path: String) -> String? {
        if path.hasPrefix("/unsubscribe/") || path == "/unsubscribe" { return "unsubscribe" }
        guard path.hasPrefix("/hooks/") || path == "/hooks" else { return nil }
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count == 4 else { return "unknown" }
        let route = parts[2] + "/" + parts[3]
        return hookRoutes.contains(route[...]) ? String(route) : "unknown"
    }
}
