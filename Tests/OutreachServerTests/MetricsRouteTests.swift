import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import OutreachCore
import OutreachServer
import OutreachStore
import Prometheus
import Testing

/// A Prometheus text exposition as `name{label="value",…}` (labels sorted) → value.
func exposition(_ text: String) -> [String: Double] {
    var samples: [String: Double] = [:]
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
        guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
        var key = String(line[..<space])
        if let open = key.firstIndex(of: "{"), key.hasSuffix("}") {
            let labels = key[key.index(after: open)..<key.index(before: key.endIndex)].split(separator: ",").sorted()
            key = String(key[..<open]) + "{" + labels.joined(separator: ",") + "}"
        }
        samples[key] = value
    }
    return samples
}

@Suite("/metrics")
struct MetricsRouteTests {
    @Test("after delivery reports and refused webhooks: counts by route and result, messages by state, scheduler lag")
    func scrape() async throws {
        let fixture = try await APIFixture()
        defer { try? FileManager.default.removeItem(at: fixture.base.folder) }
        let accepted = try await fixture.ledger.entries(campaign: "c", state: .accepted, limit: 10).map(\.messageID)
        try #require(accepted.count == 1)
        try await fixture.ledger.setMaterialisedThrough(campaign: "c", Date().addingTimeInterval(-120))
        let registry = PrometheusCollectorRegistry()
        let metrics = ServerMetrics(registry: registry, ledger: fixture.ledger, schedulerLag: true, ledgerInterval: .zero,
                                    logger: Logger(label: "test"))
        let router = try fixture.router(metrics: metrics)
        try await Application(router: router).test(.router) { client in
            let before = exposition(try await client.get("/metrics").text)
            #expect(before["outreach_messages{campaign=\"c\",state=\"accepted\"}"] == 1)
            #expect(before["outreach_messages{campaign=\"c\",state=\"delivered\"}"] == 1)
            #expect(try await client.get(kannelDLR(accepted[0], status: 1)).status == .ok)
            #expect(try await client.get(kannelDLR(accepted[0], status: 1)).status == .ok)       // the same report again
            #expect(try await client.get(kannelDLR(accepted[0], status: 99)).status == .badRequest)
            #expect(try await client.get(kannelDLR(accepted[0], status: 1, secret: "wrong-secret-0123456789abcdef")).status == .unauthorized)
            #expect(try await client.get("/hooks/\(testSecret)/no/such/hook").status == .unauthorized)
            let oversize = String(repeating: "a", count: 70 * 1024)
            #expect(try await client.postForm("/hooks/\(testSecret)/kannel/dlr", "id=\(oversize)").status == .contentTooLarge)
            #expect(try await client.get("/healthz").status == .ok)                              // not a webhook: not counted

            let response = try await client.get("/metrics")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            let samples = exposition(response.text)
            func webhook(_ route: String, _ result: String) -> Double? {
                samples["outreach_webhook_requests_total{result=\"\(result)\",route=\"\(route)\"}"]
            }
            #expect(webhook("kannel/dlr", "accepted") == 2)
            #expect(webhook("kannel/dlr", "400") == 1)
            #expect(webhook("kannel/dlr", "401") == 1)
            #expect(webhook("kannel/dlr", "413") == 1)
            #expect(webhook("unknown", "401") == 1)
            #expect(samples.keys.filter { $0.hasPrefix("outreach_webhook_requests_total") }.count == 5, "\(samples.keys.sorted())")
            #expect(!response.text.contains(testSecret))

            #expect(samples["outreach_messages{campaign=\"c\",state=\"delivered\"}"] == 2)
            #expect(samples["outreach_messages{campaign=\"c\",state=\"failed\"}"] == 1)
            // A state emptied since the last scrape goes to 0 rather than keeping its old figure.
            #expect(samples["outreach_messages{campaign=\"c\",state=\"accepted\"}"] == 0)
            let lag = try #require(samples["outreach_scheduler_lag_seconds{campaign=\"c\"}"])
            #expect(lag >= 120 && lag < 3600)

        }
    }

    @Test("server.metrics false: no /metrics route, webhooks still answer")
    func off() async throws {
        let fixture = try await APIFixture()
        defer { try? FileManager.default.removeItem(at: fixture.base.folder) }
        try await Application(router: try fixture.router(metrics: nil)).test(.router) { client in
            let metrics = try await client.get("/metrics")
            #expect(metrics.status == .notFound)
            #expect(try await client.get("/healthz").status == .ok)
        }
    }
}
