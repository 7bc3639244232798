import ArgumentParser
import Foundation
import Logging
import OutreachCore
import OutreachServer
import OutreachStore

/// `outreach bench-dlr`: the two halves of the delivery-report ingest benchmark (bench/run.py). Hidden: a
/// measuring tool.
///
/// - `prepare`: a ledger holding one launched campaign of N SMS messages, all `accepted` by the gateway
///   (through the store's own materialise, claim and record), and their ids, one a line, for wrk's script.
/// - `bare`: the bare Hummingbird route (`BenchmarkServer`), the ceiling `outreach serve` is compared with.
struct BenchDLR: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-dlr",
        abstract: "Delivery-report ingest benchmark helpers: prepare a ledger of accepted messages; run the bare route.",
        shouldDisplay: false,
        subcommands: [Prepare.self, Bare.self])

    struct Prepare: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a ledger of N accepted SMS messages and their ids.")

        @Option(help: "Ledger file to create (replaced when it exists).") var ledger: String
        @Option(help: "Messages.") var count: Int = 1_000_000
        @Option(help: "File the message ids are written to, one a line.") var ids: String
        @Option(help: "Campaign name.") var campaign: String = "bench_dlr"

        func run() async throws {
            guard count > 0 else { throw ValidationError("--count must be positive") }
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: ledger + suffix) }
            let store = try SQLiteLedger(path: ledger)
            let key = store.messageIDKey
            let start = Date().addingTimeInterval(-3_600)
            let chunk = 50_000
            var written = 0
            guard FileManager.default.createFile(atPath: ids, contents: nil) else {
                throw ValidationError("cannot create \(ids)")
            }
            let out = try FileHandle(forWritingTo: URL(fileURLWithPath: ids))
            defer { try? out.close() }
            try await store.setCampaignState(campaign, to: .launched, at: start)
            while written < count {
                let n = min(chunk, count - written)
                let entries = (written..<(written + n)).map { i in
                    LedgerEntry(campaign: campaign, occurrence: "#1", recipientID: "\(1_000_000_000 + i)",
                                address: "+9665\(String(10_000_000 + i % 90_000_000))", channel: .sms, parts: 1,
                                dueAt: start, payload: .init(sender: "MOH", text: "رسالة توعوية \(i)", language: "ar"), key: key)
                }
                _ = try await store.materialise(entries, at: start)
                let claimed = try await store.claim(ClaimRequest(limit: n, now: Date(), campaigns: [campaign]))
                _ = try await store.record(claimed.map {
                    DeliveryOutcome(messageID: $0.messageID, kind: .accepted, providerMessageID: nil, status: 202, detail: "0: Accepted for delivery")
                }, at: Date())
                out.write(Data(claimed.map { $0.messageID + "\n" }.joined().utf8))
                written += n
            }
            let accepted = try await store.counts(campaign: campaign).count(.accepted)
            print("{\"accepted\": \(accepted)}")
        }
    }

    struct Bare: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Serve the bare route until SIGTERM or Ctrl-C.")

        @Option(help: "HOST:PORT to listen on.") var listen: String

        func run() async throws {
            guard let address = ServerConfiguration.listenAddress(listen) else { throw ValidationError("--listen must be HOST:PORT") }
            var logger = Logger(label: "outreach.bench-dlr") { StreamLogHandler.standardError(label: $0) }
            logger.logLevel = .warning
            let application = BenchmarkServer.bareApplication(host: address.host, port: address.port, logger: logger) {
                printError("bench-dlr: listening on \(address.host):\(address.port)")
            }
            try await application.runService()
        }
    }
}
