import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Glibc
import OutreachStore
import Testing

/// `outreach serve --with-scheduler` with the API token set, on a project with a launched campaign it sends
/// itself: the API's figures are the CLI's, and `/metrics` counts what happened.
@Suite("outreach serve: JSON API and /metrics")
struct ServeAPITests {
    static let secret = "cli-test-secret-0123456789abcdef"
    static let token = "cli-api-token-0123456789abcdef"

    /// The example project with a campaign that sends at launch (no quiet hours, no cap, so at any hour).
    static func project() throws -> URL {
        let dir = try CLIRunner.copyOfExampleProject()
        let configuration = try String(contentsOf: dir.appendingPathComponent("outreach.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "quiet_hours: \"22:00-09:00\"", with: "")
            .replacingOccurrences(of: "frequency_cap: {messages: 2, per: 7d}", with: "")
        try CLIRunner.write(configuration, to: "outreach.yaml", in: dir)
        try CLIRunner.write("""
            title: notice
            audience: mothers_of_infants
            template: notice
            channel: sms
            gateway: outbox
            sender: MOH
            """, to: "campaigns/notice.yaml", in: dir)
        try CLIRunner.write("""
            title: notice
            channel: sms
            text: "NOTICE {first_name}"
            """, to: "templates/notice.yaml", in: dir)
        // Launched, but its one send is months away: it stays launched, with a scheduler watermark.
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        let start = day.string(from: Date().addingTimeInterval(200 * 86_400))
        try CLIRunner.write("""
            title: later
            audience: mothers_of_infants
            template: notice
            channel: sms
            gateway: outbox
            sender: MOH
            schedule:
              start: \(start)T10:00
            """, to: "campaigns/later.yaml", in: dir)
        return dir
    }

    struct Server {
        let process: Process
        let base: String
        let stderr: Pipe

        func stop() -> (status: Int32, log: String) {
            kill(process.processIdentifier, SIGTERM)
            let log = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, log)
        }
    }

    /// Starts serve on a free port (`server:` in outreach.yaml written anew, with `settings` lines).
    static func start(_ dir: URL, arguments: [String], token: String?, settings: [String] = []) async throws -> Server {
        let port = try ServeTests.freePort()
        let yaml = try String(contentsOf: dir.appendingPathComponent("outreach.yaml"), encoding: .utf8)
            .components(separatedBy: "\nserver:\n")[0]
        let block = (["listen: \"127.0.0.1:\(port)\""] + settings).map { "  " + $0 }.joined(separator: "\n")
        try CLIRunner.write(yaml + "\nserver:\n" + block + "\n", to: "outreach.yaml", in: dir)
        var environment = ProcessInfo.processInfo.environment
        environment["OUTREACH_WEBHOOK_SECRET"] = secret
        environment["OUTREACH_API_TOKEN"] = token
        let process = Process()
        process.executableURL = CLIRunner.executable
        process.arguments = arguments
        process.currentDirectoryURL = dir
        process.environment = environment
        let stderr = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = stderr
        try process.run()
        let server = Server(process: process, base: "http://127.0.0.1:\(port)", stderr: stderr)
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline, process.isRunning {
            if let (status, _) = try? await get("\(server.base)/healthz"), status == 200 { return server }
            try await Task.sleep(for: .milliseconds(50))
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        throw CocoaError(.featureUnsupported)
    }

    static func get(_ url: String, token: String? = nil) async throws -> (status: Int, body: String) {
        var request = URLRequest(url: URL(string: url)!)
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    static func object(_ text: String) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw CocoaError(.propertyListReadCorrupt)
        }
        return object
    }

    /// `name{labels sorted}` → value.
    static func samples(_ text: String) -> [String: Double] {
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

    @Test("the API answers what report, audience list and the ledger say; /metrics counts the sends, webhooks and messages")
    func apiAndMetrics() async throws {
        let dir = try Self.project()
        defer { try? FileManager.default.removeItem(at: dir) }
        for campaign in ["notice", "later"] {
            let launched = try await CLIRunner.runOffPool(["launch", campaign, "--yes"], in: dir)
            #expect(launched.status == 0, "\(launched.stderr)")
        }
        let server = try await Self.start(dir, arguments: ["serve", "--with-scheduler"], token: Self.token)
        defer { if server.process.isRunning { kill(server.process.processIdentifier, SIGKILL) } }
        let base = server.base

        // Sent when nothing is queued or in flight any more.
        var detail: [String: Any] = [:]
        let deadline = ContinuousClock.now + .seconds(90)
        while ContinuousClock.now < deadline {
            let (status, body) = try await Self.get("\(base)/api/v1/campaigns/notice", token: Self.token)
            if status == 200, let json = try? Self.object(body), let total = (json["report"] as? [String: Any])?["total"] as? [String: Any],
               total["queued"] as? Int == 0, total["sending"] as? Int == 0, (total["accepted"] as? Int ?? 0) > 0 {
                detail = json
                break
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let apiTotal = try #require((detail["report"] as? [String: Any])?["total"] as? [String: Any])
        let sent = try #require(apiTotal["accepted"] as? Int)

        let report = try await CLIRunner.runOffPool(["report", "notice", "--json"], in: dir)
        #expect(report.status == 0, "\(report.stderr)")
        let cliTotal = try #require((try CLIRunner.json(report) as? [String: Any])?["total"] as? [String: Any])
        #expect(NSDictionary(dictionary: apiTotal).isEqual(to: cliTotal), "api \(apiTotal) cli \(cliTotal)")
        let summary = try #require(detail["campaign"] as? [String: Any])
        // A campaign without a schedule sends once, at launch, and is then completed.
        #expect(["launched", "completed"].contains(summary["state"] as? String ?? ""))
        #expect((summary["version"] as? [String: Any])?["number"] as? Int == 1)

        let audiences = try await Self.get("\(base)/api/v1/audiences", token: Self.token)
        #expect(audiences.status == 200)
        let listed = try #require(try Self.object(audiences.body)["audiences"] as? [[String: Any]])
        let cliList = try #require(try CLIRunner.json(try await CLIRunner.runOffPool(["audience", "list", "--json"], in: dir)) as? [[String: Any]])
        #expect(listed.map { "\($0["name"]!)=\($0["count"]!)" } == cliList.map { "\($0["name"]!)=\($0["count"]!)" })
        let one = try await Self.get("\(base)/api/v1/audiences/mothers_of_infants", token: Self.token)
        let count = try await CLIRunner.runOffPool(["audience", "count", "mothers_of_infants"], in: dir)
        #expect(((try Self.object(one.body)["audiences"] as? [[String: Any]])?.first?["count"] as? Int).map(String.init)
                == count.stdout.trimmingCharacters(in: .whitespacesAndNewlines))

        // A person's history, by the id the ledger keys and by the number it went to.
        let outbox = try String(contentsOf: dir.appendingPathComponent("out/outbox.jsonl"), encoding: .utf8).split(separator: "\n")
            .compactMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(outbox.count == sent)
        let first = try #require(outbox.first)
        let id = try #require(first["id"] as? String), to = try #require(first["to"] as? String)
        let ledger = try SQLiteLedger(path: dir.appendingPathComponent(".outreach/ledger.sqlite").path)
        let person = try #require(try await ledger.entry(messageID: id)?.recipientID)
        let byPerson = try await Self.get("\(base)/api/v1/people/\(person.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)/messages",
                                          token: Self.token)
        let personMessages = try #require(try Self.object(byPerson.body)["messages"] as? [[String: Any]])
        #expect(personMessages.contains { $0["messageId"] as? String == id && $0["campaign"] as? String == "notice" && $0["state"] as? String == "accepted" })
        let byPhone = try await Self.get("\(base)/api/v1/messages?phone=\(to.replacingOccurrences(of: "+", with: "%2B"))", token: Self.token)
        #expect((try Self.object(byPhone.body)["messages"] as? [[String: Any]])?.contains { $0["messageId"] as? String == id } == true)
        #expect(try await Self.get("\(base)/api/v1/campaigns", token: "not-the-token-0123456789").status == 401)

        // Webhooks: two delivery reports, one malformed, one with a wrong secret.
        let ids = outbox.compactMap { $0["id"] as? String }
        try #require(ids.count >= 2)
        for id in ids.prefix(2) {
            #expect(try await Self.get("\(base)/hooks/\(Self.secret)/kannel/dlr?id=\(id)&status=1").status == 200)
        }
        #expect(try await Self.get("\(base)/hooks/\(Self.secret)/kannel/dlr?id=\(ids[0])&status=x").status == 400)
        #expect(try await Self.get("\(base)/hooks/wrong-secret-0123456789abc/kannel/dlr?id=\(ids[0])&status=1").status == 401)

        let scraped = try await Self.get("\(base)/metrics")
        #expect(scraped.status == 200)
        let samples = Self.samples(scraped.body)
        #expect(samples["outreach_gateway_send_duration_seconds_count{gateway=\"outbox\",outcome=\"accepted\"}"] == Double(sent),
                "\(samples.keys.filter { $0.contains("gateway") }.sorted())")
        #expect(samples["outreach_webhook_requests_total{result=\"accepted\",route=\"kannel/dlr\"}"] == 2)
        #expect(samples["outreach_webhook_requests_total{result=\"400\",route=\"kannel/dlr\"}"] == 1)
        #expect(samples["outreach_webhook_requests_total{result=\"401\",route=\"kannel/dlr\"}"] == 1)
        #expect(samples["outreach_messages{campaign=\"notice\",state=\"delivered\"}"] == 2)
        #expect(samples["outreach_messages{campaign=\"notice\",state=\"accepted\"}"] == Double(sent - 2))
        let lag = try #require(samples["outreach_scheduler_lag_seconds{campaign=\"later\"}"], "\(samples.keys.sorted())")
        #expect(lag >= 0 && lag < 600)

        let (status, log) = server.stop()
        #expect(status == 0, "\(log)")
        #expect(log.contains("json api: http://127.0.0.1:"), "\(log)")
        #expect(!log.contains(Self.token) && !log.contains(Self.secret) && !log.contains(to) && !log.contains(person))
    }

    @Test("without OUTREACH_API_TOKEN the API answers 503 saying so; server.metrics false leaves /metrics out")
    func offSwitches() async throws {
        let dir = try Self.project()
        defer { try? FileManager.default.removeItem(at: dir) }
        let server = try await Self.start(dir, arguments: ["serve"], token: nil)
        defer { if server.process.isRunning { kill(server.process.processIdentifier, SIGKILL) } }
        let off = try await Self.get("\(server.base)/api/v1/campaigns", token: Self.token)
        #expect(off.status == 503)
        #expect((try Self.object(off.body)["error"] as? String)?.contains("OUTREACH_API_TOKEN") == true)
        #expect(try await Self.get("\(server.base)/metrics").status == 200)
        let (status, log) = server.stop()
        #expect(status == 0)
        #expect(log.contains("json api: off"), "\(log)")

        // server.metrics: false
        let quiet = try await Self.start(dir, arguments: ["serve"], token: nil, settings: ["metrics: false"])
        defer { if quiet.process.isRunning { kill(quiet.process.processIdentifier, SIGKILL) } }
        #expect(try await Self.get("\(quiet.base)/metrics").status == 404)
        #expect(quiet.stop().status == 0)
    }
}
