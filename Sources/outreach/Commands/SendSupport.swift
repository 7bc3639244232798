import ArgumentParser
import Foundation
import OutreachCore
import OutreachDispatch
import OutreachProject

/// Runs an async command body, turning `OutreachError`s into a clean stderr
/// message and exit code 1 (the async twin of `reportingErrors`).
func reportingErrorsAsync<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as OutreachError {
        printError(error.description)
        throw ExitCode(1)
    }
}

/// The HTTP transport gateways send through: libcurl's multi interface on
/// its own thread, one transport per gateway so each keeps its own
/// connection cap (the gateway's `concurrency`).
enum SendTransport {
    static func make(for configuration: GatewayConfiguration) -> any HTTPTransport {
        do {
            return try CurlHTTPTransport(configuration: .init(maxConnectionsPerHost: max(1, configuration.concurrency)))
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

extension Workspace {
    /// The templates each segment of `campaign` can use, by channel: the
    /// segment's own template for its channel, and for each other channel
    /// the campaign lists, a template named `NAME_CHANNEL` (or, when NAME
    /// already ends in its channel, that ending swapped: `reminder_sms` →
    /// `reminder_email`) if the project has one.
    func channelTemplates(for campaign: CampaignDefinition) throws(OutreachError) -> [String: [Channel: CompiledTemplate]] {
        var compiled: [String: CompiledTemplate] = [:]
        func load(_ name: String) throws(OutreachError) -> CompiledTemplate {
            if let t = compiled[name] { return t }
            let t = try template(name)
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
