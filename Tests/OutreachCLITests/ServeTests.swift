import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Glibc
import OutreachStore
import Testing

/// `outreach serve` as an operator runs it: the secret from the environment, the address from outreach.yaml,
/// delivery reports from a gateway over HTTP into the project's ledger, SIGTERM to stop.
@Suite("outreach serve")
struct ServeTests {
    static let secret = "cli-test-secret-0123456789abcdef"

    @Test("without OUTREACH_WEBHOOK_SECRET serve refuses to start, saying what to set")
    func refusesWithoutSecret() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        var environment = ProcessInfo.processInfo.environment
        environment["OUTREACH_WEBHOOK_SECRET"] = nil
        let output = try Self.run(["serve"], in: dir, environment: environment)
        #expect(output.status == 1)
        #expect(output.stderr.contains("OUTREACH_WEBHOOK_SECRET is not set"), "\(output.stderr)")
        environment["OUTREACH_WEBHOOK_SECRET"] = "weakpw12"
        let weak = try Self.run(["serve"], in: dir, environment: environment)
        #expect(weak.status == 1)
        #expect(weak.stderr.contains("OUTREACH_WEBHOOK_SECRET is too short"), "\(weak.stderr)")
        #expect(!weak.stderr.contains("weakpw12"))
    }

    @Test("a Twilio gateway without server.public_url stops the start (its signatures could not be checked); so does a gateway that does not load")
    func twilioNeedsPublicURL() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        try CLIRunner.write("""
            gateways:
              twilio:
                type: twilio
                account_sid: ${TWILIO_ACCOUNT_SID}
                auth_token: ${TWILIO_AUTH_TOKEN}
                sender: MOH

            """, to: "gateways.yaml", in: dir)
        var environment = ProcessInfo.processInfo.environment
        environment["OUTREACH_WEBHOOK_SECRET"] = Self.secret
        environment["TWILIO_ACCOUNT_SID"] = "AC0123"
        environment["TWILIO_AUTH_TOKEN"] = "twilio-token-not-to-print"
        let output = try Self.run(["serve"], in: dir, environment: environment)
        #expect(output.status == 1)
        #expect(output.stderr.contains("server.public_url is not set"), "\(output.stderr)")
        #expect(!output.stderr.contains("twilio-token-not-to-print"))
        environment["TWILIO_AUTH_TOKEN"] = nil
        let missing = try Self.run(["serve"], in: dir, environment: environment)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("TWILIO_AUTH_TOKEN"), "\(missing.stderr)")
    }

    @Test("a port another process listens on is one clear line, exit 1")
    func portInUse() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (fd, port) = try Self.listeningSocket()
        defer { close(fd) }
        let yaml = try String(contentsOf: dir.appendingPathComponent("outreach.yaml"), encoding: .utf8)
        try CLIRunner.write(yaml + "\nserver:\n  listen: \"127.0.0.1:\(port)\"\n", to: "outreach.yaml", in: dir)
        var environment = ProcessInfo.processInfo.environment
        environment["OUTREACH_WEBHOOK_SECRET"] = Self.secret
        let output = try Self.run(["serve"], in: dir, environment: environment)
        #expect(output.status == 1)
        #expect(output.stderr.hasPrefix("error: cannot listen on 127.0.0.1:\(port): "), "\(output.stderr)")
        #expect(!output.stderr.contains("listening on"))
    }

    @Test("validate reports a bad server.listen where it is written")
    func validateReportsBadListen() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        let yaml = try String(contentsOf: dir.appendingPathComponent("outreach.yaml"), encoding: .utf8)
        try CLIRunner.write(yaml + "\nserver:\n  listen: \"localhost:http\"\n", to: "outreach.yaml", in: dir)
        let output = try CLIRunner.run(["validate"], in: dir)
        #expect(output.status != 0)
        #expect(output.stderr.contains("outreach.yaml:"), "\(output.stderr)")
        #expect(output.stderr.contains("server.listen 'localhost:http' is not HOST:PORT"), "\(output.stderr)")
    }

    @Test("messages sent (send --now, file gateway), then their delivery reports over HTTP: the ledger says delivered; SIGTERM exits 0")
    func reportsReachTheLedger() async throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        let sent = try await CLIRunner.runOffPool(["send", "back_to_school", "--now", "--at", "2026-11-29T07:00:00Z"], in: dir)
        #expect(sent.status == 0, "\(sent.stderr)")
        let outbox = try String(contentsOf: dir.appendingPathComponent("out/outbox.jsonl"), encoding: .utf8)
        let ids = outbox.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["id"] as? String
        }
        try #require(ids.count >= 2)

        let port = try Self.freePort()
        let yaml = try String(contentsOf: dir.appendingPathComponent("outreach.yaml"), encoding: .utf8)
        try CLIRunner.write(yaml + "\nserver:\n  listen: \"127.0.0.1:\(port)\"\n", to: "outreach.yaml", in: dir)
        var environment = ProcessInfo.processInfo.environment
        environment["OUTREACH_WEBHOOK_SECRET"] = Self.secret
        let serve = Process()
        serve.executableURL = CLIRunner.executable
        serve.arguments = ["serve"]
        serve.currentDirectoryURL = dir
        serve.environment = environment
        let stderr = Pipe()
        serve.standardOutput = FileHandle.nullDevice
        serve.standardError = stderr
        try serve.run()
        defer { if serve.isRunning { kill(serve.processIdentifier, SIGKILL) } }

        let base = "http://127.0.0.1:\(port)"
        // Ready when /healthz answers.
        let deadline = ContinuousClock.now + .seconds(60)
        var healthy = false
        while ContinuousClock.now < deadline, serve.isRunning {
            if let (status, body) = try? await Self.get("\(base)/healthz"), status == 200 { healthy = body == "ok\n"; break }
            try await Task.sleep(for: .milliseconds(50))
        }
        try #require(healthy)
        let wrong = try await Self.get("\(base)/hooks/not-the-secret-0123456789/kannel/dlr?id=\(ids[0])&status=1")
        #expect(wrong.status == 401)
        let delivered = Array(ids.dropLast())
        for id in delivered {
            let answer = try await Self.get("\(base)/hooks/\(Self.secret)/kannel/dlr?id=\(id)&status=1&answer=stat:DELIVRD")
            #expect(answer.status == 200)
        }
        kill(serve.processIdentifier, SIGTERM)
        let log = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        serve.waitUntilExit()
        #expect(serve.terminationStatus == 0, "\(log)")
        #expect(!log.contains(Self.secret))

        let ledger = try SQLiteLedger(path: dir.appendingPathComponent(".outreach/ledger.sqlite").path)
        for id in delivered { #expect(try await ledger.entry(messageID: id)?.state == .delivered) }
        #expect(try await ledger.entry(messageID: ids.last!)?.state == .accepted)
    }

    @Test("serve --with-scheduler runs the scheduler in the same process (it holds the ledger's send lock); SIGTERM stops both")
    func withScheduler() async throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        let port = try Self.freePort()
        let yaml = try String(contentsOf: dir.appendingPathComponent("outreach.yaml"), encoding: .utf8)
        try CLIRunner.write(yaml + "\nserver:\n  listen: \"127.0.0.1:\(port)\"\n", to: "outreach.yaml", in: dir)
        var environment = ProcessInfo.processInfo.environment
        environment["OUTREACH_WEBHOOK_SECRET"] = Self.secret
        let serve = Process()
        serve.executableURL = CLIRunner.executable
        serve.arguments = ["serve", "--with-scheduler"]
        serve.currentDirectoryURL = dir
        serve.environment = environment
        serve.standardOutput = FileHandle.nullDevice
        serve.standardError = FileHandle.nullDevice
        try serve.run()
        defer { if serve.isRunning { kill(serve.processIdentifier, SIGKILL) } }
        let deadline = ContinuousClock.now + .seconds(60)
        var healthy = false
        while ContinuousClock.now < deadline, serve.isRunning, !healthy {
            if let (status, _) = try? await Self.get("http://127.0.0.1:\(port)/healthz"), status == 200 { healthy = true; break }
            try await Task.sleep(for: .milliseconds(50))
        }
        try #require(healthy)
        // The scheduler took the one-sender lock: a second `run` is refused while serve runs.
        let second = try CLIRunner.run(["run", "--once"], in: dir)
        #expect(second.status == 1)
        #expect(second.stderr.contains("another outreach run (process \(serve.processIdentifier))"), "\(second.stderr)")
        kill(serve.processIdentifier, SIGTERM)
        serve.waitUntilExit()
        #expect(serve.terminationStatus == 0)
        #expect(try CLIRunner.run(["run", "--once"], in: dir).status == 0)
    }

    static func run(_ arguments: [String], in dir: URL, environment: [String: String]) throws -> CLIRunner.Output {
        let process = Process()
        process.executableURL = CLIRunner.executable
        process.arguments = arguments
        process.currentDirectoryURL = dir
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return .init(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                     stderr: String(decoding: errData, as: UTF8.self))
    }

    static func get(_ url: String) async throws -> (status: Int, body: String) {
        let (data, response) = try await URLSession.shared.data(from: URL(string: url)!)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    /// A loopback port nobody listens on now (the kernel's choice for port 0).
    static func freePort() throws -> Int {
        let (fd, port) = try boundSocket()
        close(fd)
        return port
    }

    /// A socket listening on a loopback port of the kernel's choice (close it when done).
    static func listeningSocket() throws -> (Int32, Int) {
        let (fd, port) = try boundSocket()
        guard listen(fd, 1) == 0 else { close(fd); throw CocoaError(.featureUnsupported) }
        return (fd, port)
    }

    static func boundSocket() throws -> (Int32, Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { close(fd); throw CocoaError(.featureUnsupported) }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }
}
