import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import OutreachApp
import OutreachCore
import OutreachScheduler
import OutreachServer
import ServiceLifecycle
import Synchronization
import Testing

@Suite("serve --with-scheduler services", .serialized)
struct ServicesTests {
    /// What the services report as they start: the server listening, the scheduler's ticks.
    enum Event: Sendable, Equatable {
        case listening
        case tick
    }

    /// The services `serve --with-scheduler` runs, built from a copy of the example project on a free port.
    static func serveWithScheduler(events: AsyncStream<Event>.Continuation) async throws -> (OutreachServices, port: Int) {
        let dir = try ExampleProject.copy()
        let port = try freePort()
        try ExampleProject.appendToConfiguration(dir, "server: {listen: \"127.0.0.1:\(port)\"}")
        let disk = try LaunchWorkspace(root: dir.path, today: "2027-03-01")
        let store = try disk.workspace.openLedger(nil)
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let scheduler = try await SchedulerRun.prepare(disk, store: store, clock: WallClock(), rehearsal: false, once: false,
                                                       stopAt: nil, logger: logger, notify: { _ in },
                                                       onTick: { _ in events.yield(.tick) })
        let configuration = disk.project.configuration
        #expect(configuration.server.port == port)
        let services = OutreachServices.serve(configuration: configuration.server, secret: try WebhookSecret("test-secret-0123456789"),
                                              store: store, replies: configuration.replies, scheduler: scheduler,
                                              logger: logger, onListening: { events.yield(.listening) })
        return (services, port)
    }

    @Test("they start (the server answers /healthz, the scheduler ticks) and drain on a graceful shutdown")
    func gracefulShutdown() async throws {
        let (events, continuation) = AsyncStream<Event>.makeStream()
        let (services, port) = try await Self.serveWithScheduler(events: continuation)
        #expect(services.services.count == 2)
        let group = services.group(logger: Logger(label: "test"), signals: [])
        let running = Task { try await group.run() }

        // Ready when the server listens and the scheduler has ticked once.
        var seen: Set<Event> = []
        for await event in events {
            seen.insert(event)
            if seen == [.listening, .tick] { break }
        }
        #expect(try await Self.get("http://127.0.0.1:\(port)/healthz") == 200)

        await group.triggerGracefulShutdown()
        try await running.value
        await services.close()
        // Drained: nothing listens any more.
        await #expect(throws: (any Error).self) { try await Self.get("http://127.0.0.1:\(port)/healthz") }
    }

    @Test("they stop when the task running them is cancelled")
    func cancellation() async throws {
        let (events, continuation) = AsyncStream<Event>.makeStream()
        let (services, port) = try await Self.serveWithScheduler(events: continuation)
        let group = services.group(logger: Logger(label: "test"), signals: [])
        let running = Task { try await group.run() }
        var seen: Set<Event> = []
        for await event in events {
            seen.insert(event)
            if seen == [.listening, .tick] { break }
        }
        running.cancel()
        _ = await running.result
        await services.close()
        await #expect(throws: (any Error).self) { try await Self.get("http://127.0.0.1:\(port)/healthz") }
    }

    /// The status of a GET.
    static func get(_ url: String) async throws -> Int {
        let (_, response) = try await URLSession.shared.data(from: URL(string: url)!)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }

    /// A port nothing listens on now (bound to port 0, read back, closed).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw OutreachError(.io, "cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
