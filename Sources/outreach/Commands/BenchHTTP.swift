import ArgumentParser
import Foundation
import OutreachCore
import OutreachDispatch
import Synchronization

/// `outreach bench-http`: pushes Kannel-style sendsms requests through the
/// libcurl transport as fast as it goes, to compare with `wrk` on the same
/// endpoint. Hidden: a measuring tool, not part of a campaign's life.
struct BenchHTTP: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-http",
        abstract: "Measure requests/s of the libcurl transport against an HTTP endpoint (Kannel-shaped requests).",
        shouldDisplay: false)

    @Option(help: "The sendsms URL (e.g. http://127.0.0.1:13013/cgi-bin/sendsms).")
    var url: String

    @Option(help: "How many requests to make.")
    var count: Int = 20_000

    @Option(help: "Connections to the host (the transport's per-host cap).")
    var connections: Int = 8

    @Option(help: "Requests kept in flight by the caller (default: 4 per connection, so the engine never runs dry).")
    var window: Int?

    @Flag(help: "Send bare GETs of --url instead of building Kannel requests through KannelGateway.")
    var raw = false

    @Flag(help: "Send the Kannel messages through the Dispatcher (rate/concurrency/retry/breaker bookkeeping, outcomes to a counting sink), as a campaign does.")
    var dispatcher = false

    @Flag(help: "Print the figures as one JSON object.")
    var json = false

    func validate() throws {
        guard count > 0 else { throw ValidationError("--count must be positive") }
        guard connections > 0 else { throw ValidationError("--connections must be positive") }
        if let window, window <= 0 { throw ValidationError("--window must be positive") }
        if raw && dispatcher { throw ValidationError("--raw and --dispatcher do not go together") }
    }

    func run() async throws {
        let transport: CurlHTTPTransport
        do {
            transport = try CurlHTTPTransport(configuration: .init(maxConnectionsPerHost: connections))
        } catch {
            printError("error: \(error)")
            throw ExitCode(1)
        }
        defer { transport.shutdown() }
        let gateway = KannelGateway(name: "bench", settings: KannelSettings(url: url, username: "bench", password: "bench"),
                                    defaultSender: "Bench", transport: transport)
        let raw = raw, url = url, count = count
        let inFlight = min(count, window ?? connections * 4)

        @Sendable func message(_ index: Int) -> OutboundMessage {
            OutboundMessage(id: "bench-\(index)", channel: .sms, recipientID: "\(index)",
                            to: "+9665\(10_000_000 + index % 90_000_000)",
                            text: "مرحباً، موعد التطعيم رقم \(index) غداً الساعة ٩:٣٠")
        }

        @Sendable func one(_ index: Int) async -> DeliveryOutcome.Kind {
            if raw {
                do {
                    let response = try await transport.perform(HTTPRequest(method: .get, url: url))
                    return (200...299).contains(response.status) ? .accepted : .rejected
                } catch {
                    return .retryable
                }
            }
            return await gateway.send(message(index), attempt: 1).kind
        }

        // One warm-up request opens a connection and resolves the host.
        _ = await one(-1)
        let start = ContinuousClock.now
        // `inFlight` long-lived workers take the next index until none is
        // left: the transport, not task creation, is what is measured.
        let next = BenchCounter()
        var tally: [DeliveryOutcome.Kind: Int] = [:]
        if dispatcher {
            // Messages made up front (as `send --now` renders them first).
            let source = ArrayMessageSource((0..<count).map(message))
            let sink = BenchSink()
            let lane = DispatchLane(gateway: gateway, rate: nil, concurrency: inFlight)
            let summary = try await Dispatcher(lanes: [lane]).run(source: source, sink: sink)
            tally = [.accepted: summary.accepted, .rejected: summary.rejected, .retryable: summary.failed]
        } else {
        await withTaskGroup(of: [DeliveryOutcome.Kind: Int].self) { group in
            for _ in 0..<inFlight {
                // As the dispatcher runs an attempt: on the transport's engine thread.
                group.addTask(executorPreference: transport.preferredExecutor) {
                    var mine: [DeliveryOutcome.Kind: Int] = [:]
                    while true {
                        let index = next.take()
                        guard index < count else { break }
                        mine[await one(index), default: 0] += 1
                    }
                    return mine
                }
            }
            for await counts in group {
                tally.merge(counts, uniquingKeysWith: +)
            }
        }
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = Double(count) / seconds
        if json {
            let figures: [String: Any] = [
                "requests": count, "seconds": seconds, "requestsPerSecond": rate, "connections": connections,
                "window": inFlight, "shape": raw ? "GET" : dispatcher ? "kannel via Dispatcher" : "kannel", "accepted": tally[.accepted, default: 0],
                "retryable": tally[.retryable, default: 0], "rejected": tally[.rejected, default: 0],
                "libcurl": CurlHTTPTransport.libcurlVersion,
            ]
            let data = try JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print("bench-http: \(count) \(raw ? "GET" : "Kannel sendsms") requests in \(String(format: "%.2f", seconds)) s = "
                  + "\(String(format: "%.0f", rate)) requests/s over \(connections) connections "
                  + "(accepted \(tally[.accepted, default: 0]), retryable \(tally[.retryable, default: 0]), "
                  + "rejected \(tally[.rejected, default: 0]); libcurl \(CurlHTTPTransport.libcurlVersion))")
        }
        if tally[.accepted, default: 0] != count { throw ExitCode(1) }
    }
}

/// Counts outcomes and drops them (the bench measures dispatch, not a ledger).
private final class BenchSink: OutcomeSink {
    private let finished = Atomic<Int>(0)

    func willSend(_ messages: [OutboundMessage]) async throws {}

    func didFinish(_ outcomes: [DeliveryOutcome]) async throws {
        finished.wrappingAdd(outcomes.count, ordering: .relaxed)
    }
}

/// The next request index, shared by the bench's workers.
private final class BenchCounter: Sendable {
    private let value = Atomic<Int>(0)

    func take() -> Int {
        value.wrappingAdd(1, ordering: .relaxed).oldValue
    }
}
