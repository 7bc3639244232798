import Foundation
import Testing
import OutreachCore
@testable import OutreachProject

@Suite("outreach.yaml server:")
struct ServerConfigurationTests {
    @Test("without server: the server listens on 127.0.0.1:8080 with no public URL")
    func defaults() throws {
        let path = try writeTemporary("name: x\n", name: "outreach.yaml")
        let server = try ProjectLoader.readConfiguration(path).server
        #expect(server.host == "127.0.0.1" && server.port == 8080 && server.publicURL == nil)
        #expect(server.metrics)
    }

    @Test("metrics: false turns /metrics off")
    func metricsOff() throws {
        let path = try writeTemporary("server:\n  metrics: false\n", name: "outreach.yaml")
        #expect(try ProjectLoader.readConfiguration(path).server.metrics == false)
    }

    @Test("listen and public_url are read", arguments: [
        ("0.0.0.0:9000", "0.0.0.0", 9000), ("[::1]:8443", "::1", 8443), ("localhost:1", "localhost", 1),
    ])
    func read(listen: String, host: String, port: Int) throws {
        let path = try writeTemporary("server:\n  listen: \"\(listen)\"\n  public_url: https://outreach.example.org/\n", name: "outreach.yaml")
        let server = try ProjectLoader.readConfiguration(path).server
        #expect(server.host == host && server.port == port)
        #expect(server.publicURL == "https://outreach.example.org")
    }

    @Test("bad values are located errors", arguments: [
        ("listen: \"8080\"", "server.listen '8080' is not HOST:PORT", "\"8080\""),
        ("listen: \"127.0.0.1:0\"", "server.listen '127.0.0.1:0' is not HOST:PORT", "\"127.0.0.1:0\""),
        ("listen: \"127.0.0.1:70000\"", "server.listen '127.0.0.1:70000' is not HOST:PORT", "\"127.0.0.1:70000\""),
        ("listen: \"::1:80\"", "server.listen '::1:80' is not HOST:PORT", "\"::1:80\""),
        ("public_url: ftp://x", "server.public_url 'ftp://x' is not an http(s) URL", "ftp://x"),
        ("public_url: \"https://\"", "server.public_url 'https://' is not an http(s) URL", "\"https://\""),
        ("port: 80", "unknown key 'port' in server", "port"),
        ("metrics: sometimes", "'metrics' must be true or false", "sometimes"),
        ("rate_limit: fast", "server.rate_limit 'fast' is not a rate", "fast"),
        ("rate_limit_burst: 0", "server.rate_limit_burst '0' is not a whole number", "0"),
    ])
    func bad(setting: String, message: String, value: String) throws {
        let line = "  \(setting)"
        let path = try writeTemporary("name: x\nserver:\n\(line)\n", name: "outreach.yaml")
        let error = try #require(throws: OutreachError.self) { try ProjectLoader.readConfiguration(path) }
        #expect(error.message.hasPrefix(message))
        let column = line.distance(from: line.startIndex, to: try #require(line.range(of: value)).lowerBound) + 1
        #expect(error.location == SourceLocation(file: path, line: 3, column: column))
    }

    @Test("rate_limit: the default, a rate with a burst, and off")
    func rateLimit() throws {
        var path = try writeTemporary("name: x\n", name: "outreach.yaml")
        #expect(try ProjectLoader.readConfiguration(path).server.rateLimit == ServerConfiguration.defaultRateLimit)
        path = try writeTemporary("name: x\nserver:\n  rate_limit: 600/min\n  rate_limit_burst: 50\n", name: "outreach.yaml")
        #expect(try ProjectLoader.readConfiguration(path).server.rateLimit == RateLimit(perSecond: 10, burst: 50))
        path = try writeTemporary("name: x\nserver:\n  rate_limit: \"off\"\n", name: "outreach.yaml")
        #expect(try ProjectLoader.readConfiguration(path).server.rateLimit == nil)
        path = try writeTemporary("name: x\nserver:\n  rate_limit: \"off\"\n  rate_limit_burst: 5\n", name: "outreach.yaml")
        let error = try #require(throws: OutreachError.self) { try ProjectLoader.readConfiguration(path) }
        #expect(error.message.contains("no effect") && error.location?.line == 4)
    }
}
