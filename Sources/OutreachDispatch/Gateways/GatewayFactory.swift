public import OutreachCore
public import Logging

/// Builds the project's gateways from their configuration.
///
/// HTTP gateways (Twilio, the generic one and its profiles, Kannel) get
/// their transport from `transport`, called once per gateway so each may
/// have its own connection limits; the file outbox writes under
/// `projectRoot`. Gateways that log (SMTP) log to `logger`, the application's.
public enum GatewayFactory {
    public static func make(_ configurations: [GatewayConfiguration], projectRoot: String,
                            transport: (GatewayConfiguration) -> any HTTPTransport) throws(GatewayFactoryError) -> [String: any MessageGateway] {
        var gateways: [String: any MessageGateway] = [:]
        for configuration in configurations {
            gateways[configuration.name] = try make(configuration, projectRoot: projectRoot, transport: transport)
        }
        return gateways
    }

    /// The same transport for every gateway.
    public static func make(_ configurations: [GatewayConfiguration], projectRoot: String,
                            transport: any HTTPTransport) throws(GatewayFactoryError) -> [String: any MessageGateway] {
        try make(configurations, projectRoot: projectRoot, transport: { _ in transport })
    }

    public static func make(_ configuration: GatewayConfiguration, projectRoot: String,
                            logger: Logger = Logger(label: "outreach.smtp"),
                            transport: (GatewayConfiguration) -> any HTTPTransport) throws(GatewayFactoryError) -> any MessageGateway {
        switch configuration.settings {
        case .twilio(let settings):
            return TwilioGateway(configuration: configuration, settings: settings, transport: transport(configuration))
        case .http(let settings):
            return HTTPGateway(configuration: configuration, settings: settings, transport: transport(configuration))
        case .file(let settings):
            // The loader also keeps the path inside the project; a configuration
            // built in code must at least name a file (an empty path would
            // make the outbox the project folder itself).
            if let problem = FileOutboxPath.problem(settings.path, projectRoot: projectRoot, allowOutside: true) {
                throw GatewayFactoryError(gateway: configuration.name, type: "file", message: "path '\(settings.path)' \(problem.message)")
            }
            return FileOutboxGateway(configuration: configuration, settings: settings, projectRoot: projectRoot)
        case .kannel:
            do {
                return try KannelGateway(configuration: configuration, transport: transport(configuration))
            } catch {
                throw GatewayFactoryError(gateway: configuration.name, type: "kannel", message: error.message)
            }
        case .smtp:
            do {
                return try SMTPGateway(configuration: configuration, logger: logger)
            } catch {
                throw GatewayFactoryError(gateway: configuration.name, type: "smtp", message: error.message)
            }
        }
    }
}

/// A gateway that cannot be built.
public struct GatewayFactoryError: Error, Sendable, Equatable, CustomStringConvertible {
    public var gateway: String
    public var type: String
    public var message: String

    public init(gateway: String, type: String, message: String) {
        self.gateway = gateway
        self.type = type
        self.message = message
    }

    public var description: String { "gateway '\(gateway)': \(message)" }
}
