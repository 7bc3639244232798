import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import OutreachCore
import OutreachServer
import OutreachStore

let testSecret = "test-secret-0123456789abcdef"

/// A fresh ledger file in its own folder, with `n` SMS entries of launched
/// campaign `c` claimed (so `sending`), and the webhook router on it.
struct ServerFixture {
    let folder: URL
    let ledger: SQLiteLedger
    let ids: [String]
    let configuration: ServerConfiguration

    init(messages n: Int = 3, maxBodySize: Int = 64 * 1024) async throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("outreach-server-\(UUID().uuidString)")
        ledger = try SQLiteLedger(path: folder.appendingPathComponent("ledger.sqlite").path, newKey: MessageIDKey.none)
        let now = Date()
        let entries = (0..<n).map { i in
            LedgerEntry(campaign: "c", occurrence: "o1", recipientID: "r\(i)", address: "+96650000000\(i)", channel: .sms,
                        parts: 1, dueAt: now.addingTimeInterval(-60),
                        payload: .init(sender: "MOH", text: "تذكير \(i)", language: "ar"), key: .none)
        }
        _ = try await ledger.materialise(entries, at: now.addingTimeInterval(-60))
        try await ledger.setCampaignState("c", to: .launched, at: now.addingTimeInterval(-60))
        ids = try await ledger.claim(ClaimRequest(limit: n, now: now)).map(\.messageID)
        var configuration = ServerConfiguration()
        configuration.maxBodySize = maxBodySize
        self.configuration = configuration
    }

    /// Records the gateway's `accepted` answer (with provider id `p-<id>` when `provider`).
    func accept(_ ids: [String], provider: Bool = false) async throws {
        let outcomes = ids.map { DeliveryOutcome(messageID: $0, kind: .accepted, providerMessageID: provider ? "p-\($0)" : nil,
                                                 status: 202, detail: "Accepted for delivery") }
        _ = try await ledger.record(outcomes, at: Date())
    }

    func entry(_ id: String) async throws -> LedgerEntry? { try await ledger.entry(messageID: id) }

    func state(_ id: String) async throws -> LedgerState? { try await entry(id)?.state }

    func test(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let router = WebhookServer.router(configuration: configuration, secret: try WebhookSecret(testSecret), store: ledger,
                                          logger: Logger(label: "test"))
        let application = Application(router: router)
        try await application.test(.router, body)
    }
}

extension TestClientProtocol {
    func get(_ uri: String) async throws -> TestResponse {
        try await execute(uri: uri, method: .get)
    }

    func postForm(_ uri: String, _ body: String, contentType: String = "application/x-www-form-urlencoded") async throws -> TestResponse {
        try await execute(uri: uri, method: .post, headers: [.contentType: contentType], body: ByteBuffer(string: body))
    }
}

func kannelDLR(_ id: String, status: Int, answer: String? = nil, secret: String = testSecret) -> String {
    var uri = "/hooks/\(secret)/kannel/dlr?id=\(PercentEncoding.encode(id))&status=\(status)"
    if let answer { uri += "&answer=" + PercentEncoding.encode(answer) }
    return uri
}

extension TestResponse {
    var text: String { String(buffer: body) }
}
