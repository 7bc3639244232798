import Foundation
import Glibc
import Testing

/// `outreach send` and `outreach gateway test` on a copy of the example
/// project, sending for real to its bundled file gateway (`outbox`).
@Suite("send")
struct SendTests {
    static func outboxLines(_ dir: URL) throws -> [[String: Any]] {
        let url = dir.appendingPathComponent("out/outbox.jsonl")
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        let text = try String(contentsOf: url, encoding: .utf8)
        return try text.split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
    }

    @Test("--dry-run renders and counts, sends nothing")
    func dryRun() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try CLIRunner.run(["send", "vaccination_round", "--dry-run", "--today", "2026-11-29"], in: dir)
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("Targeted 6 of 21"))
        #expect(out.stdout.contains("1 — no valid mobile  e.g. 1112345678"))
        #expect(out.stdout.contains("Messages 5 (sms 5), 8 SMS parts"))
        #expect(out.stdout.contains("Dry run: nothing sent."))
        #expect(try Self.outboxLines(dir).isEmpty)
    }

    @Test("--now sends through the file gateway: one outbox line per accepted message")
    func sendNow() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try CLIRunner.run(["send", "back_to_school", "--now", "--at", "2026-11-29T07:00:00Z", "--today", "2026-11-29", "--json"], in: dir)
        #expect(out.status == 0, "\(out.stderr)")
        let report = try #require(try CLIRunner.json(out) as? [String: Any])
        let result = try #require(report["result"] as? [String: Any])
        let accepted = try #require(result["accepted"] as? Int)
        #expect(report["targeted"] as? Int == 10)
        #expect(report["unreachable"] as? Int == 1)
        #expect(report["messages"] as? Int == 9)
        #expect(accepted == 9)
        #expect(result["failed"] as? Int == 0)
        #expect(result["partsAccepted"] as? Int == 17)
        let segments = try #require(report["segments"] as? [[String: Any]])
        #expect(segments.map { $0["name"] as? String } == ["parents", "students"])
        #expect(segments.reduce(0) { $0 + ($1["ready"] as? Int ?? 0) } == 9)
        let lines = try Self.outboxLines(dir)
        #expect(lines.count == accepted)
        let ids = lines.compactMap { $0["id"] as? String }
        #expect(Set(ids).count == accepted)
        // Ids that leave are hashed with the project ledger's key: `m` and 32 hex digits, no recipient id in sight.
        #expect(ids.allSatisfy { $0.count == 33 && $0.hasPrefix("m") && $0.dropFirst().allSatisfy(\.isHexDigit) })
        #expect(lines.allSatisfy { ($0["to"] as? String)?.hasPrefix("+9665") == true && $0["sender"] as? String == "MOE" })
        // Quick and not a terminal: no progress lines, only the summary.
        #expect(out.stderr.isEmpty, "\(out.stderr)")
    }

    @Test("--now honours the suppression list: an opted-out number is counted, not sent")
    func optedOut() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Who would get a message: take the first, opt them out in another written form.
        var out = try CLIRunner.run(["send", "back_to_school", "--now", "--at", "2026-11-29T07:00:00Z", "--today", "2026-11-29", "--json", "--occurrence", "first"], in: dir)
        let victim = try #require(try Self.outboxLines(dir).first?["to"] as? String)
        try FileManager.default.removeItem(at: dir.appendingPathComponent("out/outbox.jsonl"))
        let local = "0" + victim.dropFirst(4)          // +9665… → 05…
        #expect(try CLIRunner.run(["optout", "add", String(local)], in: dir).status == 0)
        out = try CLIRunner.run(["send", "back_to_school", "--now", "--at", "2026-11-29T07:00:00Z", "--today", "2026-11-29", "--json"], in: dir)
        #expect(out.status == 0, "\(out.stderr)")
        let report = try #require(try CLIRunner.json(out) as? [String: Any])
        #expect(report["optedOut"] as? Int == 1)
        #expect(report["messages"] as? Int == 8)
        let lines = try Self.outboxLines(dir)
        #expect(lines.count == 8)
        #expect(!lines.contains { $0["to"] as? String == victim })
    }

    @Test("--limit sends only the first N; the text summary says so")
    func limit() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try CLIRunner.run(["send", "vaccination_round", "--now", "--at", "2026-11-29T07:00:00Z", "--today", "2026-11-29", "--limit", "2",
                                     "--occurrence", "manual-1"], in: dir)
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("limited to 2 of 5 by --limit"))
        #expect(out.stdout.contains("accepted 2"))
        let lines = try Self.outboxLines(dir)
        #expect(lines.count == 2)
        let ids = lines.compactMap { $0["id"] as? String }
        #expect(ids.count == 2 && ids.allSatisfy { $0.count == 33 && $0.hasPrefix("m") })
        // The same occurrence again: the next 2 of the queue, never the same people twice (the ledger keeps the occurrence).
        let again = try CLIRunner.run(["send", "vaccination_round", "--now", "--at", "2026-11-29T07:00:00Z", "--today", "2026-11-29", "--limit", "2",
                                       "--occurrence", "manual-1"], in: dir)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("already sent: 2"), "\(again.stdout)")
        #expect(again.stdout.contains("still queued: 1"), "\(again.stdout)")
        // Sent concurrently: the outbox holds them in the order they finished, so compare as sets.
        let next = Set(try Self.outboxLines(dir).compactMap { $0["id"] as? String }.suffix(2))
        #expect(next.count == 2 && next.isDisjoint(with: ids))
        // Another project (another ledger, another key): other ids for the same people.
        let other = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: other) }
        #expect(try CLIRunner.run(["send", "vaccination_round", "--now", "--at", "2026-11-29T07:00:00Z", "--today", "2026-11-29", "--limit", "2",
                                   "--occurrence", "manual-1"], in: other).status == 0)
        #expect(Set(try Self.outboxLines(other).compactMap { $0["id"] as? String }).isDisjoint(with: ids))
    }

    @Test("an email campaign through the outbox: subject and html in each line")
    func emailCampaign() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try CLIRunner.run(["send", "vaccination_email", "--now", "--at", "2026-11-29T07:00:00Z", "--today", "2026-11-29"], in: dir)
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("accepted 3"))
        let lines = try Self.outboxLines(dir)
        #expect(lines.count == 3)
        #expect(lines.allSatisfy { $0["channel"] as? String == "email" && $0["subject"] != nil && $0["html"] != nil })
    }

    @Test("send needs --now (or --dry-run); unknown campaigns are suggested")
    func badInvocations() throws {
        let noNow = try CLIRunner.run(["send", "vaccination_round"])
        #expect(noNow.status != 0)
        #expect(noNow.stderr.contains("--now"))
        let typo = try CLIRunner.run(["send", "vaccination_rond", "--dry-run"])
        #expect(typo.status == 1)
        #expect(typo.stderr.contains("did you mean 'vaccination_round'"))
    }

    @Test("gateway test through the outbox prints the outcome and writes one line")
    func gatewayTestOutbox() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try CLIRunner.run(["gateway", "test", "outbox", "--to", "٠٥٥١٢٣٤٥٦٧", "--text", "تجربة"], in: dir)
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("Gateway outbox (file), sms to +966551234567"))
        #expect(out.stdout.contains("Outcome: accepted"))
        let lines = try Self.outboxLines(dir)
        #expect(lines.count == 1)
        #expect(lines.first?["text"] as? String == "تجربة")

        let bad = try CLIRunner.run(["gateway", "test", "outbox", "--to", "12"], in: dir)
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("not a valid mobile number"))
    }

    @Test("gateway test prints the request with every secret masked")
    func gatewayTestMasksSecrets() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        let secret = "Zq9-secret-token-77"
        setenv("OUTREACH_SEND_TEST_TOKEN", secret, 1)
        try """
            gateways:
              outbox:
                type: file
                path: out/outbox.jsonl
              aggregator:
                type: http
                url: http://127.0.0.1:9/send
                method: POST
                bearer: ${OUTREACH_SEND_TEST_TOKEN}
                form: {to: "{to}", text: "{text}", key: "${OUTREACH_SEND_TEST_TOKEN}"}
                sender: MOH
            """.write(to: dir.appendingPathComponent("gateways.yaml"), atomically: true, encoding: .utf8)
        let out = try CLIRunner.run(["gateway", "test", "aggregator", "--to", "0551234567"], in: dir)
        // Nothing listens on port 9: the exchange shows the request and no answer.
        #expect(out.status == 2, "\(out.stderr)")
        #expect(!out.stdout.contains(secret) && !out.stderr.contains(secret))
        #expect(out.stdout.contains("> POST http://127.0.0.1:9/send"), "\(out.stdout)")
        #expect(out.stdout.contains("> Authorization: Bearer ***"), "\(out.stdout)")
        #expect(out.stdout.contains("&key=***"), "\(out.stdout)")
        #expect(out.stdout.contains("Outcome: "), "\(out.stdout)")
    }

    /// A free loopback port (bound to 0, read back, closed).
    static func freePort() throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
                guard bind(fd, pointer, length) == 0 else { return -1 }
                return getsockname(fd, pointer, &length)
            }
        }
        guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
        return UInt16(bigEndian: address.sin_port)
    }

    static func isListening(_ port: UInt16) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = port.bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    @Test("an email campaign sent for real to an SMTP server on loopback (aiosmtpd): every message arrives")
    func sendThroughSMTP() async throws {
        guard FileManager.default.fileExists(atPath: "/usr/bin/python3") else {
            Issue.record("needs /usr/bin/python3 with python3-aiosmtpd (make test-deps)")
            return
        }
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        let port = try Self.freePort()
        let log = dir.appendingPathComponent("smtp.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        server.arguments = ["-m", "aiosmtpd", "-n", "-l", "127.0.0.1:\(port)", "-c", "aiosmtpd.handlers.Debugging"]
        let output = try FileHandle(forWritingTo: log)
        server.standardOutput = output
        server.standardError = output
        try server.run()
        defer {
            // aiosmtpd ignores SIGTERM; SIGINT stops it, SIGKILL if it lingers.
            kill(server.processIdentifier, SIGINT)
            let stop = ContinuousClock.now + .seconds(3)
            while server.isRunning && ContinuousClock.now < stop { usleep(20_000) }
            if server.isRunning { kill(server.processIdentifier, SIGKILL) }
        }
        let deadline = ContinuousClock.now + .seconds(15)
        while !Self.isListening(port) {
            guard ContinuousClock.now < deadline, server.isRunning else {
                Issue.record("aiosmtpd did not start (is python3-aiosmtpd installed? make test-deps)")
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        var gateways = try String(contentsOf: dir.appendingPathComponent("gateways.yaml"), encoding: .utf8)
        gateways += """

              mail:
                type: smtp
                url: smtp://127.0.0.1:\(port)
                starttls: none
                from: "وزارة الصحة <noreply@moh.example>"
                unsubscribe_mailto: unsubscribe@moh.example

            """
        try gateways.write(to: dir.appendingPathComponent("gateways.yaml"), atomically: true, encoding: .utf8)
        let campaign = dir.appendingPathComponent("campaigns/vaccination_email.yaml")
        let text = try String(contentsOf: campaign, encoding: .utf8).replacingOccurrences(of: "gateway: outbox", with: "gateway: mail")
        try text.write(to: campaign, atomically: true, encoding: .utf8)

        let out = try CLIRunner.run(["send", "vaccination_email", "--now", "--at", "2026-11-29T07:00:00Z", "--today", "2026-11-29", "--json"], in: dir)
        #expect(out.status == 0, "\(out.stderr)")
        let report = try #require(try CLIRunner.json(out) as? [String: Any])
        let result = try #require(report["result"] as? [String: Any])
        #expect(result["accepted"] as? Int == 3)
        // The server prints each message it receives; give it a moment to flush.
        var received = 0
        for _ in 0..<40 {
            let logged = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            received = logged.components(separatedBy: "---------- MESSAGE FOLLOWS ----------").count - 1
            if received >= 3 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(received == 3)
    }
}
