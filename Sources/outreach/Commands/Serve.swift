import ArgumentParser
import Foundation
import Logging
import OutreachApp
import OutreachCore
import OutreachProject
import OutreachScheduler
import OutreachServer
import OutreachStore
import ServiceLifecycle
import Synchronization

/// `outreach serve`: the webhooks gateways call back (delivery reports), on
/// `server.listen` from outreach.yaml; with `--with-scheduler`, `outreach run`'s
/// scheduler in the same process. SIGTERM drains both.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Receive delivery reports from the gateways (webhooks) into the ledger; optionally run the scheduler too.")

    @OptionGroup var options: ProjectOptions
    @Flag(name: .long, help: "Run the scheduler in the same process, as `outreach run` does.") var withScheduler = false
    @Option(name: .long, help: "Ledger file, instead of the project's.") var ledger: String?
    @Option(name: .long, help: "HOST:PORT to listen on, instead of server.listen in outreach.yaml.") var listen: String?
    @Flag(name: .long, help: "Log requests and ticks at info level on stderr.") var verbose = false

    func run() async throws {
        try await reportingErrors {
            let secret = try WebhookSecret.fromEnvironment(ProcessInfo.processInfo.environment)
            let apiToken = try APIToken.fromEnvironment(ProcessInfo.processInfo.environment)
            let disk = try LaunchWorkspace(options)
            let project = disk.project
            var logger = Logger(label: "outreach.serve") { StreamLogHandler.standardError(label: $0) }
            logger.logLevel = verbose ? .info : .warning
            // Twilio auth tokens (signatures) and http callback mappings come from gateways.yaml: a gateway
            // that did not load could leave a webhook unchecked or unmapped, so any problem stops the start.
            if let problem = project.gatewayProblems.first { throw problem }
            var server = project.configuration.server
            if let listen {
                guard let address = ServerConfiguration.listenAddress(listen) else {
                    throw OutreachError(.invalidValue, "--listen '\(listen)' is not HOST:PORT", hint: "e.g. 127.0.0.1:8080")
                }
                (server.host, server.port) = address
            }
            let gateways = WebhookGateways(project.gateways)
            let configured = server
            try WebhookServer.check(configuration: server, gateways: gateways)
            let store = try disk.workspace.openLedger(ledger)
            let metrics = server.metrics ? ServerMetrics(registry: ServeMetrics.bootstrap(), ledger: store,
                                                         schedulerLag: withScheduler, logger: logger) : nil
            let api = APIReaders(campaigns: store, audiences: ProjectAudienceCounter(options: options), messages: store)

            var scheduler: SchedulerRun?
            if withScheduler {
                scheduler = try await Run.prepareScheduler(disk, store: store, clock: WallClock(), rehearsal: false,
                                                           once: false, until: nil, verbose: verbose, logger: logger)
            }
            let listening = Mutex(false)
            let services = OutreachServices.serve(configuration: server, secret: secret, store: store,
                                                  replies: project.configuration.replies, gateways: gateways, api: api,
                                                  apiToken: apiToken, metrics: metrics, scheduler: scheduler, logger: logger) {
                listening.withLock { $0 = true }
                printError(Self.banner(configured, api: apiToken != nil, gateways: gateways))
            }
            do {
                try await Run.runServices(services.services, scheduler: scheduler, logger: logger)
            } catch let error where !(error is OutreachError) && !(error is ExitCode) && !listening.withLock({ $0 }) {
                await scheduler?.close()
                throw OutreachError(.io, "cannot listen on \(server.host):\(server.port): \(error)",
                                    hint: "is another process using the port? change server.listen in outreach.yaml")
            }
        }
    }

    /// Where it listens and the callback URLs to configure; the secret is shown as the variable, never its value.
    static func banner(_ server: ServerConfiguration, api: Bool = false, gateways: WebhookGateways = WebhookGateways()) -> String {
        let host = server.host.contains(":") ? "[\(server.host)]" : server.host
        let base = server.publicURL ?? "http://\(host):\(server.port)"
        let hooks = "\(base)/hooks/${\(WebhookSecret.environmentVariable)}"
        var lines = """
            outreach serve: listening on \(host):\(server.port)
              kannel dlr_url: \(hooks)/kannel/dlr?id={message_id}&status=%d&answer=%A&smsc_id=%i
              twilio status_callback: \(hooks)/twilio/status
              jasmin dlr_url: \(hooks)/jasmin/dlr
              kannel sms-service get-url: \(hooks)/kannel/mo?from=%p&to=%P&text=%a&coding=%c&charset=%C
              twilio inbound (A message comes in): \(hooks)/twilio/inbound
              smtp unsubscribe_url: \(base)/unsubscribe/{unsubscribe_token}
              json api: \(api ? "\(base)/api/v1/ (Authorization: Bearer ${\(APIToken.environmentVariable)})" : "off (set \(APIToken.environmentVariable) to turn it on)")
              metrics: \(server.metrics ? "\(base)/metrics" : "off (server.metrics: false)")
            """
        for name in gateways.callbacks.keys.sorted() { lines += "\n  \(name) callback: \(hooks)/http/\(name)/dlr" }
        for name in gateways.inbound.keys.sorted() { lines += "\n  \(name) inbound: \(hooks)/http/\(name)/inbound" }
        if !gateways.twilioAuthTokens.isEmpty { lines += "\n  twilio: X-Twilio-Signature checked against \(base)" }
        if let rate = server.rateLimit {
            lines += "\n  rate limit: \(Int(rate.perSecond))/s per source address, bursts of \(rate.burst)"
        }
        return lines
    }
}
