import Foundation
import Glibc

/// A real nginx on loopback speaking HTTPS with HTTP/2 (ALPN), with a
/// self-signed certificate made by `openssl` for 127.0.0.1, answering every
/// request `202 0: Accepted for delivery`. Its access log records the
/// connection serial number and protocol of each request, so tests can see
/// HTTP/2 multiplexing (many requests, one connection). Needs the Debian
/// package nginx (or nginx-light) and openssl.
final class NginxTLSServer: @unchecked Sendable {
    static let nginx = "/usr/sbin/nginx"
    static let openssl = "/usr/bin/openssl"

    let directory: URL
    let port = LoopbackPort.free()
    private var process: ChildProcess?

    var baseURL: String { "https://127.0.0.1:\(port)" }
    var certificatePath: String { directory.appendingPathComponent("cert.pem").path }

    static var isInstalled: Bool {
        FileManager.default.isExecutableFile(atPath: nginx) && FileManager.default.isExecutableFile(atPath: openssl)
    }

    struct Entry: Equatable {
        var connection: String
        var proto: String
        var status: String
    }

    static func run<T>(_ body: (NginxTLSServer) async throws -> T) async throws -> T {
        guard isInstalled else {
            throw KannelHarness.Failure(description: "nginx/openssl not installed: apt-get install nginx-light openssl")
        }
        let server = try NginxTLSServer()
        defer { server.stop() }
        try await server.start()
        return try await body(server)
    }

    private init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("outreach-nginx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit { stop() }

    private func start() async throws {
        let certificate = try ChildProcess(Self.openssl, [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-keyout", directory.appendingPathComponent("key.pem").path, "-out", certificatePath,
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
        ], outputPath: directory.appendingPathComponent("openssl.out").path)
        while certificate.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        guard FileManager.default.fileExists(atPath: certificatePath) else {
            throw KannelHarness.Failure(description: "openssl did not make a certificate")
        }
        let root = directory.path
        let configuration = """
        worker_processes 1;
        daemon off;
        pid \(root)/nginx.pid;
        error_log \(root)/error.log warn;
        events { worker_connections 256; }
        http {
            log_format conn '$connection $server_protocol $status';
            access_log \(root)/access.log conn;
            client_body_temp_path \(root);
            proxy_temp_path \(root);
            fastcgi_temp_path \(root);
            uwsgi_temp_path \(root);
            scgi_temp_path \(root);
            server {
                listen 127.0.0.1:\(port) ssl http2;
                ssl_certificate \(certificatePath);
                ssl_certificate_key \(root)/key.pem;
                location / {
                    default_type text/plain;
                    return 202 "0: Accepted for delivery";
                }
            }
        }

        """
        let config = directory.appendingPathComponent("nginx.conf")
        try configuration.write(to: config, atomically: true, encoding: .utf8)
        process = try ChildProcess(Self.nginx, ["-p", root, "-c", config.path, "-e", "\(root)/error.log"],
                                   outputPath: directory.appendingPathComponent("nginx.out").path)
        let deadline = ContinuousClock.now + .seconds(10)
        while !LoopbackPort.isListening(port) {
            guard ContinuousClock.now < deadline, process?.isRunning == true else {
                let log = (try? String(contentsOf: directory.appendingPathComponent("error.log"), encoding: .utf8)) ?? ""
                throw KannelHarness.Failure(description: "nginx did not start\n\(log)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// The access log so far (nginx writes it per request, unbuffered).
    func entries() -> [Entry] {
        guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent("access.log").path) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count == 3 else { return nil }
            return Entry(connection: String(fields[0]), proto: String(fields[1]), status: String(fields[2]))
        }
    }

    func stop() {
        // nginx's master answers SIGTERM with a fast shutdown (QUIT would wait for keep-alive).
        process?.stop()
        process = nil
        try? FileManager.default.removeItem(at: directory)
    }
}
