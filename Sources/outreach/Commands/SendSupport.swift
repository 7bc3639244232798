import ArgumentParser
import Foundation
import Logging
import OutreachCore
import OutreachDispatch
import OutreachProject
import OutreachStore
import Synchronization

/// The HTTP transport gateways send through: libcurl's multi interface on
/// its engine threads, one transport per gateway so each keeps its own
/// connection cap (the gateway's `connections`, else its `concurrency`).
enum SendTransport {
    static func make(for configuration: GatewayConfiguration) -> any HTTPTransport {
        do {
            return try CurlHTTPTransport(configuration: .init(maxConnectionsPerHost: max(1, configuration.connections ?? configuration.concurrency)))
        } catch {
            return UnavailableTransport(reason: error.detail)
        }
    }
}

/// Used only when libcurl cannot start: every request fails with the
/// reason, so nothing is silently dropped.
struct UnavailableTransport: HTTPTransport {
    var reason: String
    func perform(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
        throw TransportError(kind: .invalidRequest, detail: "libcurl is not available: \(reason)")
    }
}

/// Builds the gateway `send` and `gateway test` use (through the project's
/// `GatewayFactory`), with `wrap` around each HTTP transport (the exchange
/// recorder), and closes what it holds open afterwards.
enum SendGateways {
    static func make(_ configuration: GatewayConfiguration, projectRoot: String,
                     wrap: (GatewayConfiguration, any HTTPTransport) -> any HTTPTransport = { $1 }) throws(OutreachError) -> any MessageGateway {
        do {
            return try GatewayFactory.make(configuration, projectRoot: projectRoot) { c in wrap(c, SendTransport.make(for: c)) }
        } catch {
            throw OutreachError(.invalidProject, error.description, at: configuration.location)
        }
    }

    /// Lets a gateway finish and close what it holds open (outbox file, SMTP sessions).
    static func close(_ gateway: any MessageGateway) async {
        if let outbox = gateway as? FileOutboxGateway { await outbox.close() }
        if let smtp = gateway as? SMTPGateway { await smtp.shutdown() }
    }
}

extension Workspace {
    /// The templates each segment of `campaign` can use, by channel: the
    /// segment's own template for its channel, and for each other channel
    /// the campaign lists, a template named `NAME_CHANNEL` (or, when NAME
    /// already ends in its channel, that ending swapped: `reminder_sms` →
    /// `reminder_email`) if the project has one.
    /// A previewer that decides as sending does: every channel's template per segment, and the suppression
    /// list of the ledger (`path`, or the project's) when there is one.
    func previewer(for campaign: CampaignDefinition, templates: [String: CompiledTemplate], ledger path: String?,
                   store: SQLiteLedger? = nil) async throws -> CampaignPreviewer {
        var previewer = CampaignPreviewer(catalog: try catalog(), templates: templates, contactFields: contactFields, today: today)
        previewer.channelTemplates = try channelTemplates(for: campaign)
        previewer.variantTemplates = try variantTemplates(for: campaign)
        previewer.suppression = try await suppression(store: store, path: path)
        if campaign.hasExperiment { previewer.assignmentKey = try assignmentKey(store: store, path: path) }
        return previewer
    }

    /// The key variants and holdouts are drawn with: the ledger's (`store`, else the one at `path`, else the
    /// project's). A preview of a campaign with variants or a holdout opens (and so makes) the project's ledger,
    /// so it shows who gets what exactly as sending will.
    func assignmentKey(store: SQLiteLedger? = nil, path: String? = nil) throws(OutreachError) -> MessageIDKey {
        if let store { return store.messageIDKey }
        return try openLedger(path).messageIDKey
    }

    /// What decides each recipient's message as sending does: every channel's template per segment and per
    /// variant, and the ledger's `key` for the variant and holdout draws (the scheduler sets its own).
    func recipientComposer(for campaign: CampaignDefinition, key: MessageIDKey?) throws(OutreachError) -> RecipientComposer {
        RecipientComposer(campaign: campaign, templates: try channelTemplates(for: campaign), contactFields: contactFields,
                          variantTemplates: try variantTemplates(for: campaign), assignmentKey: key)
    }

    /// Per segment with variants, each variant's templates by channel, as `channelTemplates` finds a segment's.
    func variantTemplates(for campaign: CampaignDefinition) throws(OutreachError) -> [String: [[Channel: CompiledTemplate]]] {
        var result: [String: [[Channel: CompiledTemplate]]] = [:]
        for segment in campaign.segments where !segment.variants.isEmpty {
            var sets: [[Channel: CompiledTemplate]] = []
            for variant in segment.variants {
                var alone = campaign
                alone.segments = [CampaignDefinition.Segment(name: segment.name, audience: segment.audience, template: variant.template)]
                sets.append(try channelTemplates(for: alone)[segment.name] ?? [:])
            }
            result[segment.name] = sets
        }
        return result
    }

    /// The project's suppression list with its scope, from `store` when it is open, else from the ledger at
    /// `path` (nobody when the project has no ledger yet: nothing is created to read it).
    func suppression(store: SQLiteLedger? = nil, path: String? = nil) async throws -> Suppression {
        let scope = project.configuration.optOutScope
        if let store { return Suppression(addresses: try await store.optOuts().map(\.address), scope: scope) }
        let file = path ?? project.configuration.ledgerFile(root: project.root)
        guard FileManager.default.fileExists(atPath: file) else { return Suppression(addresses: [], scope: scope) }
        return Suppression(addresses: try await openLedger(file).optOuts().map(\.address), scope: scope)
    }

    func channelTemplates(for campaign: CampaignDefinition) throws(OutreachError) -> [String: [Channel: CompiledTemplate]] {
        var compiled: [String: CompiledTemplate] = [:]
        func load(_ name: String) throws(OutreachError) -> CompiledTemplate {
            if let t = compiled[name] { return t }
            let t = try template(name, for: campaign)
            compiled[name] = t
            return t
        }
        var result: [String: [Channel: CompiledTemplate]] = [:]
        for segment in campaign.segments {
            let own = try load(segment.template)
            var byChannel: [Channel: CompiledTemplate] = [own.channel: own]
            for channel in campaign.channels where byChannel[channel] == nil {
                var candidates = ["\(segment.template)_\(channel.rawValue)"]
                let suffix = "_\(own.channel.rawValue)"
                if segment.template.hasSuffix(suffix) {
                    candidates.insert(String(segment.template.dropLast(suffix.count)) + "_\(channel.rawValue)", at: 0)
                }
                for name in candidates where project.template(name) != nil {
                    let t = try load(name)
                    if t.channel == channel {
                        byChannel[channel] = t
                        break
                    }
                }
            }
            result[segment.name] = byChannel
        }
        return result
    }
}

extension GatewayConfiguration {
    /// Every secret value of the gateway, for masking.
    var secretValues: [String] {
        switch settings {
        case .kannel(let s): return [s.password]
        case .twilio(let s): return [s.authToken]
        case .http(let s): return s.secrets + [s.bearerToken, s.basicAuth?.password].compactMap { $0 }
        case .smtp(let s): return [s.password].compactMap { $0 }
        case .file: return []
        }
    }
}

/// `1:02:03`, `4:05`, or `—` when unknown.
func clockText(_ seconds: Double?) -> String {
    guard let seconds, seconds.isFinite, seconds >= 0 else { return "—" }
    let s = Int(seconds.rounded())
    return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
}

/// The first Ctrl-C runs `action` (a graceful stop); a second one quits at once.
final class InterruptHandler: @unchecked Sendable {
    // A DispatchSource is thread-safe; it is only resumed and cancelled here.
    private let source: any DispatchSourceSignal

    init(_ action: @escaping @Sendable () -> Void) {
        signal(SIGINT, SIG_IGN)
        let count = Mutex(0)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler {
            let n = count.withLock { c -> Int in
                c += 1
                return c
            }
            if n == 1 {
                printError("\ninterrupted: finishing the attempts in flight, sending nothing new (Ctrl-C again to quit at once)")
                action()
            } else {
                exit(130)
            }
        }
        source.resume()
    }

    func stop() {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}
