import Foundation

/// A real SMTP server (aiosmtpd) on a free loopback port, started and
/// stopped by the test that uses it. See `SMTPServerScript` for what it
/// records.
final class SMTPTestServer {
    struct Record: Decodable {
        var event: String
        var peer: String
        var tls: Bool?
        var login: String?
        var ok: Bool?
        var mail_from: String?
        var rcpt_tos: [String]?
        var raw: String?
        var subject: String?
        var from_name: String?
        var from_addr: String?
        var to_addr: String?
        var content_type: String?
        var plain: String?
        var html: String?
        var headers: [[String]]?
        /// Messages waiting for their final reply at once when this one arrived (itself included).
        var concurrent: Int?

        /// The DATA bytes as the server received them.
        var rawText: String { String(decoding: Data(base64Encoded: raw ?? "") ?? Data(), as: UTF8.self) }

        /// The first header with this name, raw (still folded and encoded).
        func header(_ name: String) -> String? {
            headers?.first { $0.first?.lowercased() == name.lowercased() }?.last
        }
    }

    struct StartError: Error, CustomStringConvertible {
        var description: String
    }

    let port: Int
    private let directory: URL
    private let process: Process
    private var recordsFile: URL { directory.appendingPathComponent("received.jsonl") }

    private let implicitTLS: Bool
    var url: String { "\(implicitTLS ? "smtps" : "smtp")://127.0.0.1:\(port)" }

    /// - Parameters:
    ///   - reject: RCPT TO replies by address (`"nobody@example.com": "550 5.1.1 No such user"`).
    ///   - auth: `user:password`: offer AUTH and accept only these credentials.
    ///   - tls: certificate and key files (PEM) to offer STARTTLS with.
    ///   - implicitTLS: with `tls`, TLS from the first byte (`smtps://`) instead of STARTTLS.
    ///   - closeAfterMessage: hang up after answering each message's DATA.
    ///   - dataDelay: seconds each message's final reply is held.
    ///   - gather: with `dataDelay`, release the final replies as soon as this many wait.
    init(reject: [String: String] = [:], auth: String? = nil, tls: (certificate: String, key: String)? = nil,
         implicitTLS: Bool = false, closeAfterMessage: Bool = false, dataDelay: Double = 0, gather: Int = 0) throws {
        let python = "/usr/bin/python3"
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw StartError(description: "\(python) is missing; run `make test-deps` (python3-aiosmtpd)")
        }
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("outreach-smtp-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let script = directory.appendingPathComponent("smtp_server.py")
        try SMTPServerScript.source.write(to: script, atomically: true, encoding: .utf8)
        _ = FileManager.default.createFile(atPath: directory.appendingPathComponent("received.jsonl").path, contents: nil)

        var arguments = [script.path, "--out", directory.appendingPathComponent("received.jsonl").path]
        for (address, reply) in reject.sorted(by: { $0.key < $1.key }) { arguments += ["--reject", "\(address)=\(reply)"] }
        if let auth { arguments += ["--auth", auth] }
        if let tls { arguments += ["--tls", tls.certificate, tls.key] + (implicitTLS ? ["--implicit-tls"] : []) }
        if closeAfterMessage { arguments.append("--close-after-message") }
        if dataDelay > 0 { arguments += ["--data-delay", String(dataDelay)] }
        if gather > 0 { arguments += ["--gather", String(gather)] }
        self.implicitTLS = implicitTLS
        process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()

        var output = Data()
        while !output.contains(UInt8(ascii: "\n")) {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            output += chunk
        }
        let line = String(decoding: output, as: UTF8.self)
        guard line.hasPrefix("READY "), let port = Int(line.dropFirst(6).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.terminate()
            let errors = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw StartError(description: "aiosmtpd did not start (is python3-aiosmtpd installed? `make test-deps`): \(line) \(errors)")
        }
        self.port = port
    }

    deinit { stop() }

    /// A throwaway self-signed certificate for 127.0.0.1, made with the
    /// openssl command line tool, in `directory`.
    static func makeCertificate(in directory: URL) throws -> (certificate: String, key: String) {
        let certificate = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate,
                             "-days", "1", "-subj", "/CN=localhost",
                             "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        guard openssl.terminationStatus == 0 else {
            throw StartError(description: "openssl could not make a test certificate")
        }
        return (certificate, key)
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning && Date() < deadline { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    func records() throws -> [Record] {
        let data = try Data(contentsOf: recordsFile)
        let decoder = JSONDecoder()
        return try data.split(separator: UInt8(ascii: "\n")).map { try decoder.decode(Record.self, from: Data($0)) }
    }

    func messages() throws -> [Record] { try records().filter { $0.event == "message" } }
    /// One record per TCP connection. aiosmtpd calls `connection_made`
    /// again after STARTTLS on the same socket, so records are distinct by peer.
    func connections() throws -> [Record] {
        var seen: Set<String> = []
        return try records().filter { $0.event == "connect" && seen.insert($0.peer).inserted }
    }
}
