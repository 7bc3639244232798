public import Hummingbird
public import Logging
public import OutreachCore

/// `outreach serve`: the webhooks gateways call (delivery reports), as a
/// Hummingbird application. Every webhook route starts with
/// `/hooks/<secret>/`; a wrong or missing secret gets 401 and changes nothing.
/// Beside them: `/healthz`, the read-only JSON API under `/api/v1/` (`JSONAPI`) and `/metrics`
/// (`ServerMetrics`).
public enum WebhookServer {
    /// The routes, for the application and for route tests. `api`: what the JSON API reads (nil: every
    /// `/api/v1/` path answers 503); `apiToken`: the bearer token it asks for (nil: the API is off, 503);
    /// `metrics`: serve `/metrics` and count webhook requests (nil: no `/metrics`).
    public static func router(configuration: ServerConfiguration, secret: WebhookSecret, store: any WebhookStore,
                              replies: ReplySettings = ReplySettings(), gateways: WebhookGateways = WebhookGateways(),
                              api: APIReaders? = nil, apiToken: APIToken? = nil, metrics: ServerMetrics? = nil,
                              logger: Logger) -> Router<WebhookRequestContext> {
        let router = Router(context: WebhookRequestContext.self)
        if let metrics {
            router.add(middleware: WebhookMetricsMiddleware(metrics: metrics))
            metrics.register(on: router)
        }
        if let rate = configuration.rateLimit { router.add(middleware: RateLimitMiddleware(limiter: SourceRateLimiter(rate))) }
        router.add(middleware: APIErrorMiddleware())
        router.add(middleware: HooksNotFoundMiddleware())
        let reports = DeliveryReportBatcher(store: store, batchSize: configuration.reportBatchSize, logger: logger)
        let limit = configuration.maxBodySize

        router.get("healthz") { _, _ -> Response in
            do {
                try await store.healthCheck()
                return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
            } catch {
                logger.error("health check: the ledger does not answer", metadata: ["error": "\(error)"])
                return Response(status: .serviceUnavailable, body: .init(byteBuffer: ByteBuffer(string: "ledger unavailable\n")))
            }
        }

        let hooks = router.group("hooks/:secret").add(middleware: SecretMiddleware(secret: secret))
        let kannel = KannelDeliveryReport.Route(reports: reports, maxBodySize: limit)
        hooks.get("kannel/dlr", use: kannel.handle)
        hooks.post("kannel/dlr", use: kannel.handle)
        let twilioVerifier = TwilioRequestVerifier(publicURL: configuration.publicURL, authTokens: gateways.twilioAuthTokens)
        let twilio = TwilioStatusCallback.Route(reports: reports, maxBodySize: limit, verifier: twilioVerifier)
        hooks.post("twilio/status", use: twilio.handle)
        let jasmin = JasminDeliveryReport.Route(reports: reports, maxBodySize: limit)
        hooks.get("jasmin/dlr", use: jasmin.handle)
        hooks.post("jasmin/dlr", use: jasmin.handle)
        InboundSMS.register(on: hooks, store: store, settings: replies, maxBodySize: limit, twilioVerifier: twilioVerifier, logger: logger)
        HTTPGatewayCallback.Routes(gateways: gateways, reports: reports, store: store, settings: replies, maxBodySize: limit,
                                   logger: logger).register(on: hooks)
        UnsubscribeRoutes.register(on: router, secret: secret, store: store, maxBodySize: limit, logger: logger)
        if let api {
            JSONAPI.register(on: router, token: apiToken, readers: api, logger: logger)
        } else {
            JSONAPI.registerOff(on: router)
        }
        return router
    }

    /// The application to run (as a `Service` in the command's `ServiceGroup`); `onRunning` is called once it
    /// listens.
    public static func application(configuration: ServerConfiguration, secret: WebhookSecret, store: any WebhookStore,
                                   replies: ReplySettings = ReplySettings(), gateways: WebhookGateways = WebhookGateways(),
                                   api: APIReaders? = nil, apiToken: APIToken? = nil, metrics: ServerMetrics? = nil,
                                   logger: Logger, onRunning: @escaping @Sendable () async -> Void = {}) -> some ApplicationProtocol {
        Application(router: router(configuration: configuration, secret: secret, store: store, replies: replies,
                                   gateways: gateways, api: api, apiToken: apiToken, metrics: metrics, logger: logger),
                    configuration: .init(address: .hostname(configuration.host, port: configuration.port),
                                         serverName: "outreach"),
                    onServerRunning: { _ in await onRunning() },
                    logger: logger)
    }
}

extension WebhookServer {
    /// Refuses a set-up whose webhooks could not be checked: Twilio gateways (whose signatures are verified)
    /// without `server.public_url` to rebuild the URL Twilio signed.
    public static func check(configuration: ServerConfiguration, gateways: WebhookGateways) throws(OutreachError) {
        if !gateways.twilioAuthTokens.isEmpty, configuration.publicURL == nil {
            throw OutreachError(.invalidValue, "gateways.yaml has a Twilio gateway, whose webhooks outreach serve checks by their X-Twilio-Signature, but server.public_url is not set",
                                hint: "set server.public_url in outreach.yaml to the address Twilio calls (e.g. \"https://outreach.example.org\"): the signature covers the full URL")
        }
    }
}

/// 401 unless the `:secret` path segment is the webhook secret.
struct SecretMiddleware<Context: RequestContext>: RouterMiddleware {
    let secret: WebhookSecret

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let given = context.parameters.get("secret"), secret.matches(given) else {
            throw HTTPError(.unauthorized, message: "unknown webhook path")
        }
        return try await next(request, context)
    }
}

/// Any other path under /hooks (a missing secret, an unknown hook, a method the hook does not take): 401, as for
/// a wrong secret, so the answer never tells whether a secret was right.
struct HooksNotFoundMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix("/hooks/") || request.uri.path == "/hooks" else { return try await next(request, context) }
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound || error.status == .methodNotAllowed {
            throw HTTPError(.unauthorized, message: "unknown webhook path")
        }
    }
}
