public import Logging
public import OutreachCore
public import OutreachServer
public import ServiceLifecycle
public import UnixSignals

/// The long-running parts of `outreach run`, `outreach serve` and `serve --with-scheduler`, as the services of
/// one `ServiceGroup`: SIGTERM (and a first Ctrl-C) drains them in reverse order — the scheduler first, while
/// the server still takes the reports its last sends bring, then the server.
public struct OutreachServices: Sendable {
    public var services: [ServiceGroupConfiguration.ServiceConfiguration]
    /// The scheduler among them, whose gateways `close()` shuts down after the group has stopped.
    public var scheduler: SchedulerRun?

    public init(services: [ServiceGroupConfiguration.ServiceConfiguration], scheduler: SchedulerRun?) {
        self.services = services
        self.scheduler = scheduler
    }

    /// `outreach run`: the scheduler alone; when it ends (`--once`, `--until`) the group ends.
    public static func run(_ scheduler: SchedulerRun) -> OutreachServices {
        OutreachServices(services: [.init(service: scheduler.service, successTerminationBehavior: .gracefullyShutdownGroup)],
                         scheduler: scheduler)
    }

    /// `outreach serve`: the webhook server on `configuration.listen`, over `store`; with a `scheduler`
    /// (`--with-scheduler`), that too. `onListening` is called once the server listens.
    public static func serve(configuration: ServerConfiguration, secret: WebhookSecret, store: any WebhookStore,
                             replies: ReplySettings, gateways: WebhookGateways = WebhookGateways(), api: APIReaders? = nil, apiToken: APIToken? = nil,
                             metrics: ServerMetrics? = nil, scheduler: SchedulerRun?, logger: Logger,
                             onListening: @escaping @Sendable () async -> Void = {}) -> OutreachServices {
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let scheduler {
            services.append(.init(service: scheduler.service, successTerminationBehavior: .gracefullyShutdownGroup))
        }
        // Shut down in reverse order: the scheduler drains first while the server still takes reports.
        let application = WebhookServer.application(configuration: configuration, secret: secret, store: store,
                                                    replies: replies, gateways: gateways, api: api, apiToken: apiToken, metrics: metrics,
                                                    logger: logger, onRunning: onListening)
        services.insert(.init(service: application), at: 0)
        return OutreachServices(services: services, scheduler: scheduler)
    }

    /// The group that runs them. `signals` start a graceful shutdown (none in tests, which call
    /// `triggerGracefulShutdown()` or cancel the task); a shutdown that takes more than `maximumShutdown` (retries
    /// waiting out a back-off) is cancelled — what is still `sending` is marked uncertain at the next start.
    public func group(logger: Logger, signals: [UnixSignal] = [.sigterm, .sigint],
                      maximumShutdown: Duration = .seconds(30)) -> ServiceGroup {
        var groupLogger = logger
        groupLogger.logLevel = .warning
        var configuration = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: signals, logger: groupLogger)
        configuration.maximumGracefulShutdownDuration = maximumShutdown
        return ServiceGroup(configuration: configuration)
    }

    /// Shuts the scheduler's gateways down and lets its send lock go (after the group has stopped).
    public func close() async {
        await scheduler?.close()
    }
}
