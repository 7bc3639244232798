import Foundation
import Testing

/// `outreach bench-smtp` is hidden and only measures; these check it runs
/// and reports failures honestly (against a port nobody listens on, so the
/// test needs no server; bench/run.py runs it against postfix's smtp-sink and
/// the figures are in bench/README.md).
@Suite("bench-smtp")
struct BenchSMTPTests {
    @Test("every message to a closed port is counted retryable, and the exit status says not all were accepted")
    func refused() throws {
        let output = try CLIRunner.run(["bench-smtp", "--url", "smtp://127.0.0.1:9", "--count", "4", "--sessions", "2", "--size", "300"])
        #expect(output.status == 1)
        #expect(output.stdout.contains("bench-smtp: 4 messages of"))
        #expect(output.stdout.contains("accepted 0, retryable 4, rejected 0"))
        #expect(output.stderr.contains("not every message was accepted"))
    }

    @Test("--json gives the figures the bench runner reads")
    func json() throws {
        let output = try CLIRunner.run(["bench-smtp", "--url", "smtp://127.0.0.1:9", "--count", "2", "--size", "1000", "--json"])
        #expect(output.status == 1)
        let figures = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        #expect(figures["messages"] as? Int == 2)
        #expect(figures["accepted"] as? Int == 0)
        #expect(figures["retryable"] as? Int == 2)
        // A 1,000-byte text plus the MIME headers.
        #expect((figures["wireBytes"] as? Int ?? 0) > 1_000)
    }

    @Test("hidden from the help, and bad values are refused")
    func hiddenAndValidated() throws {
        #expect(try !CLIRunner.run(["--help"]).stdout.contains("bench-smtp"))
        let bad = try CLIRunner.run(["bench-smtp", "--url", "smtp://127.0.0.1:9", "--sessions", "0"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--sessions must be positive"))
        let notSMTP = try CLIRunner.run(["bench-smtp", "--url", "http://127.0.0.1:9", "--count", "1"])
        #expect(notSMTP.status == 1)
        #expect(notSMTP.stderr.contains("not an smtp:// or smtps:// URL"))
    }
}
