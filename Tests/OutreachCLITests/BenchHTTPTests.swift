import Foundation
import Testing

/// `outreach bench-http` is hidden and only measures; these check it runs
/// and reports failures honestly (against a port nobody listens on, so the
/// test needs no server; the real figures are in bench/README.md).
@Suite("bench-http")
struct BenchHTTPTests {
    @Test("every request to a closed port is counted retryable, and the exit status says not all were accepted")
    func refused() throws {
        let output = try CLIRunner.run(["bench-http", "--url", "http://127.0.0.1:9/cgi-bin/sendsms", "--count", "5", "--connections", "2"])
        #expect(output.status == 1)
        #expect(output.stdout.contains("5 Kannel sendsms requests"))
        #expect(output.stdout.contains("accepted 0, retryable 5, rejected 0"))
    }

    @Test("--json gives the figures the bench runner reads")
    func json() throws {
        let output = try CLIRunner.run(["bench-http", "--url", "http://127.0.0.1:9/", "--count", "3", "--raw", "--json"])
        #expect(output.status == 1)
        let figures = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        #expect(figures["requests"] as? Int == 3)
        #expect(figures["shape"] as? String == "GET")
        #expect(figures["accepted"] as? Int == 0)
        #expect(figures["retryable"] as? Int == 3)
    }

    @Test("hidden from the help, and bad counts are refused")
    func hiddenAndValidated() throws {
        #expect(try !CLIRunner.run(["--help"]).stdout.contains("bench-http"))
        let bad = try CLIRunner.run(["bench-http", "--url", "http://127.0.0.1:9/", "--count", "0"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--count must be positive"))
    }
}
