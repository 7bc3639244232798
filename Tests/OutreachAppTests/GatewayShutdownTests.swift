import Foundation
import Logging
import OutreachApp
import OutreachCore
import OutreachDispatch
import OutreachScheduler
import OutreachStore
import Testing

@Suite("Gateways shut down through the protocol")
struct GatewayShutdownTests {
    static let logger = Logger(label: "test")

    static func message(_ n: Int) -> OutboundMessage {
        OutboundMessage(id: "shutdown-test/\(n)", channel: .sms, recipientID: "r\(n)", to: "+966500000001", text: "test \(n)")
    }

    @Test("an HTTP gateway's shutdown() stops its libcurl transport: a later attempt fails as shut down, without a network")
    func httpGateway() async throws {
        let configuration = GatewayConfiguration(
            name: "kannel",
            settings: .kannel(KannelSettings(url: "http://127.0.0.1:9/cgi-bin/sendsms", username: "u", password: "secret-password")))
        let gateway: any MessageGateway = try SendGateways.make(configuration, projectRoot: "/tmp", logger: Self.logger)
        await gateway.shutdown()
        let outcome = await gateway.send(Self.message(1), attempt: 1)
        #expect(outcome.kind != .accepted)
        #expect(outcome.detail.contains("shut down"), "\(outcome.detail)")
    }

    @Test("the file outbox's shutdown() writes out and closes the file")
    func fileOutbox() async throws {
        let dir = try ExampleProject.temporaryDirectory()
        let configuration = GatewayConfiguration(name: "outbox", settings: .file(FileOutboxSettings(path: "out/outbox.jsonl")))
        let gateway: any MessageGateway = try SendGateways.make(configuration, projectRoot: dir.path, logger: Self.logger)
        for n in 1...3 {
            #expect(await gateway.send(Self.message(n), attempt: 1).kind == .accepted)
        }
        await gateway.shutdown()
        let text = try String(contentsOf: dir.appendingPathComponent("out/outbox.jsonl"), encoding: .utf8)
        #expect(text.split(separator: "\n").count == 3)
    }

    @Test("a scheduler's gateways are shut down by close(), whatever their type")
    func schedulerRunClosesGateways() async throws {
        let recorder = RecordingGateway()
        let dir = try ExampleProject.temporaryDirectory()
        let run = try await SchedulerRunFixture.make(gateways: [recorder], ledger: dir.appendingPathComponent("ledger.sqlite").path)
        #expect(await recorder.shutdowns == 0)
        await run.close()
        #expect(await recorder.shutdowns == 1)
    }
}

/// A gateway that counts its shutdowns.
actor RecordingGateway: MessageGateway {
    nonisolated let name = "recording"
    nonisolated let channel = Channel.sms
    private(set) var shutdowns = 0

    func send(_ message: OutboundMessage, attempt: Int) async -> DeliveryOutcome {
        DeliveryOutcome(messageID: message.id, kind: .accepted, detail: "", attempts: attempt)
    }

    func shutdown() async { shutdowns += 1 }
}

/// A `SchedulerRun` around `gateways`, with no campaigns, on a fresh ledger.
enum SchedulerRunFixture {
    static func make(gateways: [any MessageGateway], ledger path: String) async throws -> SchedulerRun {
        let store = try SQLiteLedger(path: path)
        let lanes = gateways.map { DispatchLane(gateway: $0) }
        let scheduler = CampaignScheduler(store: store, campaigns: [], catalog: try AudienceCatalog([]),
                                          population: { throw OutreachError(.missingFile, "no population in this test") },
                                          dispatcher: Dispatcher(lanes: lanes, logger: GatewayShutdownTests.logger), clock: WallClock(),
                                          settings: .init(projectTimeZone: "Asia/Riyadh"), logger: GatewayShutdownTests.logger)
        return SchedulerRun(service: SchedulerService(scheduler: scheduler, once: true), gateways: gateways,
                            sendLock: try LedgerSendLock(ledgerPath: path))
    }
}
