import Foundation
import Testing

/// `outreach validate` reports every out-of-range or misplaced setting at
/// its file, line and column (exit 1), so nothing reaches sending that would
/// hang or crash it; names a campaign refers to are located too.
@Suite("CLI validate on bounded, located configuration")
struct ConfigurationValidateTests {
    private func write(_ text: String, to relative: String, in dir: URL) throws {
        let url = dir.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    @Test("the settings that used to pass validate and then crash or hang sending", arguments: [
        ("{type: file, timeout: 10000000000000000s}", "gateways.yaml:2:33: error: 'timeout' 10000000000000000s is out of range: it must be from 1ms to 10m"),
        ("{type: file, breaker: {open_for: 10000000000s}}", "gateways.yaml:2:44: error: 'open_for' 10000000000s is out of range: it must be from 1ms to 24h"),
        ("{type: file, retry: {backoff: 1e300s}}", "gateways.yaml:2:41: error: 'backoff' 1e300s is out of range: it must be from 1ms to 24h"),
        ("{type: file, path: \"\"}", "gateways.yaml:2:30: error: file gateway path '' is empty"),
        ("{type: file, rate: 0.0000000001/h}", "gateways.yaml:2:30: error: gateway 'outbox': rate '0.0000000001/h' is out of range"),
        ("{type: file, path: /dev/stdout}", "gateways.yaml:2:30: error: file gateway path '/dev/stdout' is outside the project folder"),
        ("{type: file, path: ../x}", "gateways.yaml:2:30: error: file gateway path '../x' is outside the project folder"),
    ])
    func gatewaySetting(gateway: String, expected: String) throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        try write("gateways:\n  outbox: \(gateway)\n", to: "gateways.yaml", in: dir)
        let out = try CLIRunner.run(["validate"], in: dir)
        #expect(out.status == 1)
        #expect(out.stderr.contains(expected), "\(out.stderr)")
        #expect(out.stderr.contains("^"))
    }

    @Test("an outbox outside the project is accepted when the gateway allows it")
    func allowOutside() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        try write("gateways:\n  outbox: {type: file, path: ../outbox.jsonl, allow_outside_project: true}\n", to: "gateways.yaml", in: dir)
        let out = try CLIRunner.run(["validate"], in: dir)
        #expect(out.status == 0, "\(out.stderr)")
    }

    @Test("an error on the third line of a folded template block is located on that line")
    func foldedTemplate() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        try write("title: t\nchannel: sms\nar:\n  text: >-\n    عزيزي {first_name}،\n    موعد التطعيم غدًا\n    يرجى {الحضور مبكرًا\n",
                  to: "templates/folded.yaml", in: dir)
        let out = try CLIRunner.run(["validate"], in: dir)
        #expect(out.status == 1)
        #expect(out.stderr.contains("folded.yaml:7:"), "\(out.stderr)")
        #expect(out.stderr.contains("    يرجى {الحضور مبكرًا"))
    }

    @Test("a campaign's unknown template is located at its name with a suggestion, in validate and preview")
    func unknownTemplate() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        try write("title: t\naudience: mothers\ntemplate: vaccination_remindr\nchannel: sms\ngateway: outbox\n",
                  to: "campaigns/typo.yaml", in: dir)
        for command in [["validate"], ["preview", "typo"]] {
            let out = try CLIRunner.run(command, in: dir)
            #expect(out.status == 1)
            #expect(out.stderr.contains("typo.yaml:3:11: error: campaign 'typo' names unknown template 'vaccination_remindr'"), "\(out.stderr)")
            #expect(out.stderr.contains("did you mean 'vaccination_reminder'?"))
        }
    }

    @Test("a key written twice in outreach.yaml is an error at its second place")
    func duplicateKey() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = try String(contentsOf: dir.appendingPathComponent("outreach.yaml"), encoding: .utf8)
        try write(config + "locale: en\n", to: "outreach.yaml", in: dir)
        let line = config.split(separator: "\n", omittingEmptySubsequences: false).count
        let out = try CLIRunner.run(["validate"], in: dir)
        #expect(out.status == 1)
        #expect(out.stderr.contains("outreach.yaml:\(line):1: error: key 'locale' is written twice in one mapping"), "\(out.stderr)")
    }

    @Test("max_parts: longer messages are render failures in preview and in a dry run, with the reason")
    func maxParts() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = try String(contentsOf: dir.appendingPathComponent("outreach.yaml"), encoding: .utf8)
        try write(config + "max_parts: 1\n", to: "outreach.yaml", in: dir)
        let preview = try CLIRunner.run(["preview", "vaccination_round", "--today", "2026-11-29"], in: dir)
        #expect(preview.status == 0, "\(preview.stderr)")
        #expect(preview.stdout.contains("message longer than max_parts (1 SMS part)"), "\(preview.stdout)")
        let send = try CLIRunner.run(["send", "vaccination_round", "--dry-run", "--today", "2026-11-29"], in: dir)
        #expect(send.status == 0, "\(send.stderr)")
        #expect(send.stdout.contains("message longer than max_parts (1 SMS part)"), "\(send.stdout)")
        #expect(send.stdout.contains("render failures"))

        try write(config + "max_parts: 300\n", to: "outreach.yaml", in: dir)
        let bad = try CLIRunner.run(["validate"], in: dir)
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("max_parts '300' must be a whole number from 1 to 255"))
    }
}
