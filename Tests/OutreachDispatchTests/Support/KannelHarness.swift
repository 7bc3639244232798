import Foundation
import Glibc

/// A real Kannel on loopback: `bearerbox`, `smsbox`, and Kannel's fake SMSC
/// (`fakesmsc`, from kannel-extras) as the handset side, all on free ports
/// in a temporary directory. `fakesmsc` prints every message the SMSC link
/// delivers (`Got message N: <sender receiver type data>`); the harness
/// reads those lines back as `FakeSMSCMessage`s.
///
/// Use `KannelHarness.run { kannel in … }`: it stops every process and
/// removes the directory whether the body succeeds, throws or fails.
final class KannelHarness: @unchecked Sendable {
    static let bearerbox = "/usr/sbin/bearerbox"
    static let smsbox = "/usr/sbin/smsbox"
    static let fakesmsc = "/usr/lib/kannel/test/fakesmsc"

    let directory: URL
    let username = "outreach"
    let password = "kannel-test-secret"
    let adminPort = LoopbackPort.free()
    let boxPort = LoopbackPort.free()
    let smscPort = LoopbackPort.free()
    let sendsmsPort = LoopbackPort.free()
    let maxMessages: Int
    /// The `sms-service` `get-url` replies (MO) go to; nil: they are answered "ignored" (max-messages 0).
    let moURL: String?

    private var processes: [ChildProcess] = []
    private var smsc: ChildProcess?

    var sendsmsURL: String { "http://127.0.0.1:\(sendsmsPort)/cgi-bin/sendsms" }
    private var fakesmscLog: URL { directory.appendingPathComponent("fakesmsc.log") }
    private var bearerboxLog: URL { directory.appendingPathComponent("bearerbox.log") }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static var isInstalled: Bool {
        [bearerbox, smsbox, fakesmsc].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Starts Kannel, runs `body`, and always stops Kannel afterwards.
    static func run<T>(maxMessages: Int = 10, moURL: String? = nil, _ body: (KannelHarness) async throws -> T) async throws -> T {
        guard isInstalled else {
            throw Failure(description: "Kannel is not installed: apt-get install kannel kannel-extras (make test-deps)")
        }
        let kannel = try KannelHarness(maxMessages: maxMessages, moURL: moURL)
        defer { kannel.stop() }
        try await kannel.start()
        return try await body(kannel)
    }

    private init(maxMessages: Int, moURL: String?) throws {
        self.maxMessages = maxMessages
        self.moURL = moURL
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("outreach-kannel-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try configuration.write(to: directory.appendingPathComponent("kannel.conf"), atomically: true, encoding: .utf8)
    }

    deinit { stop() }

    private var configuration: String {
        """
        group = core
        admin-port = \(adminPort)
        admin-interface = 127.0.0.1
        admin-password = admin-\(password)
        smsbox-port = \(boxPort)
        box-allow-ip = 127.0.0.1
        log-file = "\(bearerboxLog.path)"
        log-level = 1

        group = smsc
        smsc = fake
        smsc-id = fake
        port = \(smscPort)
        connect-allow-ip = 127.0.0.1

        group = smsbox
        bearerbox-host = 127.0.0.1
        bearerbox-port = \(boxPort)
        sendsms-port = \(sendsmsPort)
        sendsms-interface = 127.0.0.1
        log-file = "\(directory.appendingPathComponent("smsbox.log").path)"
        log-level = 1

        group = sendsms-user
        username = \(username)
        password = \(password)
        concatenation = true
        max-messages = \(maxMessages)

        \(smsService)
        """
    }

    /// Replies: to `moURL` as the README configures it (the answer goes back as an SMS, in UCS-2 when the
    /// server says `X-Kannel-Coding: 2`), or ignored.
    private var smsService: String {
        guard let moURL else {
            return """
                group = sms-service
                keyword = default
                catch-all = true
                max-messages = 0
                text = "ignored"

                """
        }
        return """
            group = sms-service
            keyword = default
            catch-all = true
            get-url = "\(moURL)"
            max-messages = 1
            omit-empty = true
            accept-x-kannel-headers = true

            """
    }

    private func start() async throws {
        let config = directory.appendingPathComponent("kannel.conf").path
        try launch(Self.bearerbox, [config], output: "bearerbox.out")
        try await waitUntil("bearerbox to listen on its admin port", seconds: 15) { LoopbackPort.isListening(self.adminPort) }
        try await connectFakeSMSC(maxSent: 0, messages: ["0 0 text unused"])
        try launch(Self.smsbox, [config], output: "smsbox.out")
        try await waitUntil("smsbox to open its sendsms port", seconds: 15) { LoopbackPort.isListening(self.sendsmsPort) }
        // Until smsbox is connected to bearerbox it answers "3: Queued for
        // later delivery" (seen on a loaded machine); tests expect "0: Accepted".
        try await waitUntil("smsbox to connect to bearerbox", seconds: 15) {
            self.log(self.bearerboxLog).contains("Client connected from")
        }
    }

    /// Starts fakesmsc, sending up to `maxSent` of `messages` (MO) once connected, and waits until bearerbox
    /// has taken the connection. fakesmsc connects once and exits if the SMSC port is not open yet: retry.
    private func connectFakeSMSC(maxSent: Int, messages: [String]) async throws {
        let before = connections()
        var connected = false
        for _ in 0..<20 where !connected {
            let smsc = try launch(Self.fakesmsc, ["-H", "127.0.0.1", "-r", "\(smscPort)", "-m", "\(maxSent)"] + messages,
                                  output: "fakesmsc.log")
            let deadline = ContinuousClock.now + .seconds(3)
            while smsc.isRunning, ContinuousClock.now < deadline, !connected {
                connected = connections() > before
                if !connected { try await Task.sleep(for: .milliseconds(50)) }
            }
            if connected {
                self.smsc = smsc
            } else {
                smsc.stop()
                try await Task.sleep(for: .milliseconds(200))
            }
        }
        guard connected else { throw Failure(description: "fakesmsc never connected to bearerbox\n\(diagnostics)") }
    }

    private func connections() -> Int {
        log(bearerboxLog).components(separatedBy: "Fakesmsc client connected").count - 1
    }

    /// A reply from a handset: the fake SMSC (reconnected, as it sends what it is started with) delivers
    /// `text` from `from` to `to` as a UCS-2 MO, which smsbox hands to the sms-service's `get-url`.
    /// What fakesmsc receives keeps being logged, before and after.
    func injectMO(from: String, to: String, text: String) async throws {
        smsc?.stop()
        var encoded = ""
        for unit in text.utf16 {
            for byte in [UInt8(unit >> 8), UInt8(unit & 0xFF)] { encoded += String(format: "%%%02X", byte) }
        }
        try await connectFakeSMSC(maxSent: 1, messages: ["\(from) \(to) ucs2 \(encoded)"])
    }

    @discardableResult
    private func launch(_ executable: String, _ arguments: [String], output: String) throws -> ChildProcess {
        let process = try ChildProcess(executable, arguments,
                                       outputPath: directory.appendingPathComponent(output).path)
        processes.append(process)
        return process
    }

    private func waitUntil(_ what: String, seconds: Int, _ condition: @escaping () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while !condition() {
            if ContinuousClock.now > deadline { throw Failure(description: "timed out waiting for \(what)\n\(diagnostics)") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Stops smsbox, fakesmsc and bearerbox (SIGTERM, then SIGKILL) and
    /// removes the directory. Safe to call twice.
    func stop() {
        let running = processes
        processes = []
        // smsbox first (it flushes to bearerbox), then the SMSC side, then bearerbox.
        for process in running.reversed() { process.stop() }
        if !running.isEmpty, ProcessInfo.processInfo.environment["OUTREACH_KEEP_KANNEL_LOGS"] == nil {
            try? FileManager.default.removeItem(at: directory)
        }
    }

    /// What fakesmsc has received so far, in arrival order.
    func received() -> [FakeSMSCMessage] {
        log(fakesmscLog).split(separator: "\n").compactMap { FakeSMSCMessage(logLine: Substring($0)) }
    }

    /// Waits until fakesmsc has received at least `count` messages, then a
    /// little longer (`settle`) so duplicates would show, and returns them.
    func waitForReceived(count: Int, timeout: Duration = .seconds(30), settle: Duration = .milliseconds(500)) async throws -> [FakeSMSCMessage] {
        let deadline = ContinuousClock.now + timeout
        while received().count < count {
            if ContinuousClock.now > deadline {
                throw Failure(description: "fakesmsc received \(received().count) of \(count) messages\n\(diagnostics)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: settle)
        return received()
    }

    private func log(_ url: URL) -> String {
        guard let data = FileManager.default.contents(atPath: url.path) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }

    /// The tail of each log, for a failure message.
    var diagnostics: String {
        ["bearerbox.log", "bearerbox.out", "smsbox.log", "smsbox.out", "fakesmsc.log"].map { name in
            let lines = log(directory.appendingPathComponent(name)).split(separator: "\n").suffix(8)
            return "--- \(name)\n" + lines.joined(separator: "\n")
        }.joined(separator: "\n")
    }
}

/// One SMS as Kannel's fake SMSC printed it: `sender receiver text …`,
/// `… ucs-2 <url-encoded UTF-16BE>`, or `… udh <url-encoded UDH> data
/// <url-encoded payload>` for a part of a concatenated message.
struct FakeSMSCMessage: Equatable {
    enum Coding: Equatable {
        /// Kannel's 7-bit (GSM) coding, printed as text.
        case sevenBit
        case ucs2
        /// A part with a user data header; the coding is not printed.
        case udh
    }

    var sender: String
    var receiver: String
    var coding: Coding
    var payload: [UInt8]
    var udh: [UInt8]

    init?(logLine line: Substring) {
        guard let marker = line.range(of: "Got message "), let open = line[marker.upperBound...].firstIndex(of: "<"),
              let close = line.lastIndex(of: ">"), open < close else { return nil }
        let content = line[line.index(after: open)..<close]
        let fields = content.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
        guard fields.count == 4 else { return nil }
        sender = String(fields[0])
        receiver = String(fields[1])
        switch fields[2] {
        case "text":
            coding = .sevenBit
            payload = Array(fields[3].utf8)
            udh = []
        case "ucs-2", "ucs2":
            coding = .ucs2
            payload = Self.urlDecoded(fields[3])
            udh = []
        case "udh":
            let rest = fields[3].split(separator: " ")
            guard rest.count == 3, rest[1] == "data" else { return nil }
            coding = .udh
            udh = Self.urlDecoded(rest[0])
            payload = Self.urlDecoded(rest[2])
        case "data":
            coding = .sevenBit
            payload = Self.urlDecoded(fields[3])
            udh = []
        default:
            return nil
        }
    }

    /// The payload read as UTF-16BE (UCS-2 messages and UCS-2 parts).
    var utf16Text: String {
        var units: [UInt16] = []
        var index = 0
        while index + 1 < payload.count {
            units.append(UInt16(payload[index]) << 8 | UInt16(payload[index + 1]))
            index += 2
        }
        return String(decoding: units, as: UTF16.self)
    }

    /// The payload read as UTF-8 (Kannel keeps 7-bit text in the charset it was given).
    var utf8Text: String { String(decoding: payload, as: UTF8.self) }

    /// Concatenation info from the UDH: reference, part count, part number (1-based).
    var concatenation: (reference: Int, total: Int, sequence: Int)? {
        var index = 1 // udh[0] is the header length
        while index + 1 < udh.count {
            let element = udh[index], length = Int(udh[index + 1])
            let data = Array(udh[(index + 2)..<min(udh.count, index + 2 + length)])
            if element == 0x00, data.count == 3 { return (Int(data[0]), Int(data[1]), Int(data[2])) }
            if element == 0x08, data.count == 4 { return (Int(data[0]) << 8 | Int(data[1]), Int(data[2]), Int(data[3])) }
            index += 2 + length
        }
        return nil
    }

    /// Form decoding to raw bytes (`+` is a space): fakesmsc prints UCS-2 payloads this way.
    static func urlDecoded(_ text: Substring) -> [UInt8] {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "+") {
                bytes.append(0x20)
            } else if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
                      let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) {
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return bytes
    }
}
