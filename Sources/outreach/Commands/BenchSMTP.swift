import ArgumentParser
import Foundation
import Logging
import OutreachCore
import OutreachDispatch
import Synchronization

/// `outreach bench-smtp`: pushes email through `SMTPGateway` (libcurl's SMTP
/// client, one connection kept per session) as fast as it goes, to compare
/// with postfix's `smtp-source` against `smtp-sink` with the same sessions
/// and message size. Hidden: a measuring tool, not part of a campaign's life.
struct BenchSMTP: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-smtp",
        abstract: "Measure messages/s of the SMTP gateway against an SMTP server (e.g. postfix's smtp-sink).",
        shouldDisplay: false)

    @Option(help: "The server, smtp://HOST:PORT (plain text: no STARTTLS, no AUTH).")
    var url: String

    @Option(help: "How many messages to send.")
    var count: Int = 10_000

    @Option(help: "SMTP sessions (connections) at most: the gateway's concurrency.")
    var sessions: Int = 4

    @Option(help: "Bytes of message text (the body before transfer encoding; headers come on top).")
    var size: Int = 1_000

    @Option(help: "Messages kept in flight by the caller (default: 2 per session, so no session waits for work).")
    var window: Int?

    @Flag(help: "Print the figures as one JSON object.")
    var json = false

    func validate() throws {
        guard count > 0 else { throw ValidationError("--count must be positive") }
        guard sessions > 0 else { throw ValidationError("--sessions must be positive") }
        guard size >= 0 else { throw ValidationError("--size must not be negative") }
        if let window, window <= 0 { throw ValidationError("--window must be positive") }
    }

    func run() async throws {
        var logger = Logger(label: "outreach.bench-smtp") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .warning
        let settings = SMTPSettings(url: url, startTLS: .none, from: "Outreach Bench <bench@outreach.example>",
                                    messageIDDomain: "outreach.example")
        let gateway: SMTPGateway
        do {
            gateway = try SMTPGateway(name: "bench", settings: settings, concurrency: sessions, logger: logger)
        } catch {
            printError("error: \(error)")
            throw ExitCode(1)
        }
        let body = Self.body(bytes: size)
        @Sendable func message(_ index: Int) -> OutboundMessage {
            OutboundMessage(id: "bench-\(index)", channel: .email, recipientID: "\(index)",
                            to: "sink\(index % 1_000)@outreach.example", subject: "Outreach benchmark \(index)",
                            text: body, language: "en")
        }
        // What one message weighs on the wire (headers and encoded body).
        let wireBytes = (try? MIMEMessage(message: message(0), settings: settings, date: Date()).rendered().count) ?? 0

        let count = count
        let inFlight = min(count, window ?? sessions * 2)
        // One warm-up message opens the first session's connection.
        _ = await gateway.send(message(-1), attempt: 1)
        let start = ContinuousClock.now
        let next = BenchSMTPCounter()
        var tally: [DeliveryOutcome.Kind: Int] = [:]
        var firstProblem: String?
        await withTaskGroup(of: ([DeliveryOutcome.Kind: Int], String?).self) { group in
            for _ in 0..<inFlight {
                // As the dispatcher runs attempts: on the gateway's own thread.
                group.addTask(executorPreference: gateway.preferredExecutor) {
                    var mine: [DeliveryOutcome.Kind: Int] = [:]
                    var problem: String?
                    while true {
                        let index = next.take()
                        guard index < count else { break }
                        let outcome = await gateway.send(message(index), attempt: 1)
                        mine[outcome.kind, default: 0] += 1
                        if outcome.kind != .accepted, problem == nil { problem = outcome.detail }
                    }
                    return (mine, problem)
                }
            }
            for await (counts, problem) in group {
                tally.merge(counts, uniquingKeysWith: +)
                if firstProblem == nil { firstProblem = problem }
            }
        }
        let elapsed = ContinuousClock.now - start
        let connections = gateway.connectionsOpened
        await gateway.shutdown()
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = Double(count) / seconds
        let accepted = tally[.accepted, default: 0]
        if json {
            let figures: [String: Any] = [
                "messages": count, "seconds": seconds, "messagesPerSecond": rate, "sessions": sessions,
                "textBytes": size, "wireBytes": wireBytes, "connections": connections, "accepted": accepted,
                "retryable": tally[.retryable, default: 0], "rejected": tally[.rejected, default: 0],
                "libcurl": CurlHTTPTransport.libcurlVersion,
            ]
            let data = try JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print("bench-smtp: \(count) messages of \(wireBytes) bytes in \(String(format: "%.2f", seconds)) s = "
                  + "\(String(format: "%.0f", rate)) messages/s over \(sessions) sessions, \(connections) connections "
                  + "(accepted \(accepted), retryable \(tally[.retryable, default: 0]), rejected \(tally[.rejected, default: 0]); "
                  + "libcurl \(CurlHTTPTransport.libcurlVersion))")
        }
        if accepted != count {
            if let firstProblem { printError("bench-smtp: not every message was accepted, e.g.: \(firstProblem)") }
            throw ExitCode(1)
        }
    }

    /// Plain ASCII lines of at most 72 characters (no soft line breaks in
    /// quoted-printable), `bytes` long with their line breaks.
    static func body(bytes: Int) -> String {
        let line = "Outreach benchmark message body: the quick brown fox jumps over it."
        var text = ""
        text.reserveCapacity(bytes)
        while text.utf8.count < bytes {
            let room = bytes - text.utf8.count
            if room <= line.utf8.count + 1 {
                text += String(repeating: "x", count: room)
            } else {
                text += line + "\n"
            }
        }
        return text
    }
}

/// The next message index, shared by the bench's workers.
private final class BenchSMTPCounter: Sendable {
    private let value = Atomic<Int>(0)

    func take() -> Int {
        value.wrappingAdd(1, ordering: .relaxed).oldValue
    }
}
