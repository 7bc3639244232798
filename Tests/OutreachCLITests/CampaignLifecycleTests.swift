import Foundation
import Glibc
import Testing

/// Launch is deliberate, states move as an operator expects, `run` sends
/// each channel through its own gateway, and status/report read the ledger.
@Suite("Campaign lifecycle through the CLI")
struct CampaignLifecycleTests {
    let at = "2026-11-29T06:00:00Z"   // 09:00 in Riyadh

    private func write(_ text: String, to relative: String, in dir: URL) throws {
        try CLIRunner.write(text, to: relative, in: dir)
    }

    @Test("launch asks, and only 'yes' launches; pause, resume and cancel follow the state machine")
    func launchAndStates() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        var out = try CLIRunner.run(["launch", "vaccination_round", "--today", "2026-11-29", "--at", at], in: dir, input: "no\n")
        #expect(out.status == 1)
        #expect(out.stdout.contains("Total:"))                 // the preview came first
        #expect(out.stdout.contains("Sends:"))
        #expect(out.stdout.contains("stays a draft"))
        out = try CLIRunner.run(["status", "vaccination_round", "--json"], in: dir)
        #expect(out.stdout.contains("\"state\" : \"draft\"") || out.stdout.contains("\"state\":\"draft\""), "\(out.stdout)")

        out = try CLIRunner.run(["launch", "vaccination_round", "--today", "2026-11-29", "--at", at], in: dir, input: "yes\n")
        #expect(out.status == 0, "\(out.stderr)")
        out = try CLIRunner.run(["launch", "vaccination_round", "--at", at, "--yes"], in: dir)
        #expect(out.status == 1)
        #expect(out.stderr.contains("only a draft can be launched"))
        #expect(try CLIRunner.run(["pause", "vaccination_round"], in: dir).status == 0)
        out = try CLIRunner.run(["pause", "vaccination_round"], in: dir)
        #expect(out.status == 1)
        #expect(out.stderr.contains("already paused"), "\(out.stderr)")
        #expect(try CLIRunner.run(["resume", "vaccination_round"], in: dir).status == 0)
        #expect(try CLIRunner.run(["cancel", "vaccination_round"], in: dir).status == 0)
        out = try CLIRunner.run(["resume", "vaccination_round"], in: dir)
        #expect(out.status == 1)
        #expect(out.stderr.contains("cancelled"))
    }

    @Test("run sends email and SMS through each channel's gateway; status and report agree with the outboxes")
    func channelsAndReport() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: dir.appendingPathComponent("templates/vaccination_reminder.yaml"),
                                         to: dir.appendingPathComponent("templates/vaccination_sms.yaml"))
        let gateways = try String(contentsOf: dir.appendingPathComponent("gateways.yaml"), encoding: .utf8)
        try write(gateways.replacingOccurrences(of: "gateways:\n", with: """
            gateways:
              mail_outbox:
                type: file
                path: out/mail.jsonl
                channel: email
              sms_outbox:
                type: file
                path: out/sms.jsonl

            """), to: "gateways.yaml", in: dir)
        try write("""
            title: vaccination reminder, email first, SMS for those without email
            audience: mothers_of_infants
            template: vaccination_email
            channel: email, sms
            gateway: {email: mail_outbox, sms: sms_outbox}
            sender: MOH
            """, to: "campaigns/both_channels.yaml", in: dir)
        var out = try CLIRunner.run(["validate"], in: dir)
        #expect(out.status == 0, "\(out.stderr)")
        out = try CLIRunner.run(["launch", "both_channels", "--today", "2026-11-29", "--at", at, "--yes"], in: dir)
        #expect(out.status == 0, "\(out.stderr)")
        out = try CLIRunner.run(["run", "--live", "--once", "--at", at], in: dir)
        #expect(out.status == 0, "\(out.stderr)")

        func lines(_ name: String) throws -> [[String: Any]] {
            let text = (try? String(contentsOf: dir.appendingPathComponent("out/\(name)"), encoding: .utf8)) ?? ""
            return try text.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        }
        let mail = try lines("mail.jsonl"), sms = try lines("sms.jsonl")
        #expect(!mail.isEmpty && !sms.isEmpty)
        #expect(mail.allSatisfy { ($0["to"] as? String)?.contains("@") == true && $0["subject"] != nil })
        #expect(sms.allSatisfy { ($0["to"] as? String)?.hasPrefix("+") == true })

        out = try CLIRunner.run(["report", "both_channels", "--csv"], in: dir)
        #expect(out.status == 0, "\(out.stderr)")
        let total = try #require(out.stdout.split(separator: "\n").last { $0.hasPrefix("all,all,") })
        let cells = total.split(separator: ",", omittingEmptySubsequences: false)
        // occurrence,segment,targeted,queued,sending,accepted,…
        #expect(Int(cells[5]) == mail.count + sms.count, "\(out.stdout)")
        out = try CLIRunner.run(["report", "both_channels", "--json"], in: dir)
        let json = try #require(try CLIRunner.json(out) as? [String: Any])
        #expect(json["state"] as? String == "completed")
        out = try CLIRunner.run(["status"], in: dir)
        #expect(out.stdout.contains("both_channels"))
        #expect(out.stdout.contains("completed"))
    }

    @Test("Ctrl-C once waits for in-flight sends; a second Ctrl-C exits at once and the next run puts them in doubt")
    func secondInterrupt() async throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["back_to_school", "residency_notice", "vaccination_email", "vaccination_round"] {
            try FileManager.default.removeItem(at: dir.appendingPathComponent("campaigns/\(name).yaml"))
        }
        // A gateway that takes the connection and never answers: attempts stay in flight.
        let silent = try SilentListener()
        defer { silent.close() }
        try write("""
            gateways:
              dead:
                type: kannel
                url: http://127.0.0.1:\(silent.port)/cgi-bin/sendsms
                username: u
                password: ${DEAD_PASSWORD}
                timeout: 10m
                retry: {attempts: 5, backoff: 20s}
            """, to: "gateways.yaml", in: dir)
        try write("title: now\naudience: mothers\ntemplate: vaccination_reminder\nchannel: sms\ngateway: dead\nsender: MOH\n",
                  to: "campaigns/now.yaml", in: dir)
        setenv("DEAD_PASSWORD", "x", 1)
        #expect(try CLIRunner.run(["launch", "now", "--at", at, "--yes"], in: dir).status == 0)
        let run = Process()
        run.executableURL = CLIRunner.executable
        run.arguments = ["run", "--live", "--at", at]
        run.currentDirectoryURL = dir
        run.standardOutput = FileHandle.nullDevice
        run.standardError = FileHandle.nullDevice
        try run.run()
        // Ready when an attempt is in flight: the gateway has a connection waiting.
        #expect(silent.waitForConnection(seconds: 30), "no attempt reached the gateway")
        kill(run.processIdentifier, SIGINT)
        try await Task.sleep(for: .seconds(1))
        #expect(run.isRunning)                      // graceful: waiting for the attempts in flight
        kill(run.processIdentifier, SIGINT)
        let deadline = ContinuousClock.now + .seconds(10)
        while run.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!run.isRunning)
        #expect(run.terminationStatus == 130)
        #expect(try CLIRunner.run(["run", "--live", "--once", "--at", at], in: dir).status == 0)
        let report = try #require(try CLIRunner.json(try CLIRunner.run(["report", "now", "--json"], in: dir)) as? [String: Any])
        let total = try #require(report["total"] as? [String: Any])
        let skipped = try #require(total["skipped"] as? [String: Int])
        #expect((skipped["in_doubt"] ?? 0) > 0, "\(total)")
        #expect(total["sending"] as? Int == 0 && total["queued"] as? Int == 0)
    }

    @Test("bad clock options are readable errors, and nothing is sent", arguments: [
        (["run", "--live", "--once", "--at", "yesterday"], "is not an ISO 8601 instant"),
        (["run", "--live", "--once", "--speed", "60"], "--speed needs --at"),
        (["run", "--live", "--once", "--at", "2026-11-29T06:00:00Z", "--speed", "0"], "--speed must be more than 0"),
        (["run", "--live", "--once", "--until", "soon"], "--until 'soon' is not an ISO 8601 instant"),
    ])
    func badClock(arguments: [String], message: String) throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try CLIRunner.run(["launch", "vaccination_round", "--at", at, "--yes"], in: dir).status == 0)
        let out = try CLIRunner.run(arguments, in: dir)
        #expect(out.status == 1)
        #expect(out.stderr.contains(message), "\(out.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/outbox.jsonl").path))
    }
}

/// A loopback TCP port that accepts connections (the kernel's backlog) and
/// never answers: an HTTP request to it stays in flight until its timeout.
struct SilentListener {
    let socket: Int32
    let port: UInt16

    init() throws {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.socket = socket
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) }
        }
        guard bound == 0, listen(socket, 64) == 0 else { throw CocoaError(.fileWriteUnknown) }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
    }

    func close() { _ = Glibc.close(socket) }

    /// Whether a connection arrives within `seconds` (it stays in the backlog: nothing is accepted).
    func waitForConnection(seconds: Int32) -> Bool {
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, seconds * 1000) == 1
    }
}
