import Foundation
import Testing

/// Sending policy keys (frequency caps, throttle, on_uncertain) are read and
/// checked by `validate` like every other key.
@Suite("Campaign sending settings")
struct CampaignSettingsTests {
    private func write(_ text: String, to relative: String, in dir: URL) throws {
        let url = dir.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    @Test("a campaign with throttle, its own cap and on_uncertain validates")
    func goodSettings() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        try write("""
            title: x
            audience: mothers
            template: vaccination_reminder
            throttle: 100/s
            frequency_cap: {messages: 1, per: 2w}
            on_uncertain: resend
            quiet_hours_overflow: skip
            smart_encoding: true
            """, to: "campaigns/policy.yaml", in: dir)
        let out = try CLIRunner.run(["validate"], in: dir)
        #expect(out.status == 0, "\(out.stderr)")
    }

    @Test("bad sending settings are located errors", arguments: [
        ("throttle: fast\n", "throttle 'fast' is not a rate"),
        ("frequency_cap: {messages: 0, per: 7d}\n", "at least 1"),
        ("frequency_cap: {messages: 2, per: 1mo}\n", "days or weeks"),
        ("frequency_cap: {messages: 2, every: 7d}\n", "unknown key 'every'"),
        ("on_uncertain: maybe\n", "skip or resend"),
        ("quiet_hours_overflow: later\n", "hold or skip"),
        ("smart_encoding: perhaps\n", "true or false"),
        ("gateway: {fax: outbox}\n", "unknown key 'fax' in gateway"),
        ("gateway: {sms: nowhere}\n", "unknown gateway 'nowhere'"),
    ])
    func badSettings(line: String, message: String) throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        try write("title: x\naudience: mothers\ntemplate: vaccination_reminder\n" + line, to: "campaigns/policy.yaml", in: dir)
        let out = try CLIRunner.run(["validate"], in: dir)
        #expect(out.status == 1)
        #expect(out.stderr.contains("policy.yaml:4:"), "\(out.stderr)")
        #expect(out.stderr.contains(message), "\(out.stderr)")
    }

    @Test("the project-wide cap in outreach.yaml is checked")
    func projectCap() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = try String(contentsOf: dir.appendingPathComponent("outreach.yaml"), encoding: .utf8)
        try write(config.replacingOccurrences(of: "frequency_cap: {messages: 2,", with: "frequency_cap: {messages: two,"),
                  to: "outreach.yaml", in: dir)
        let out = try CLIRunner.run(["validate"], in: dir)
        #expect(out.status == 1)
        #expect(out.stderr.contains("outreach.yaml:"), "\(out.stderr)")
        #expect(out.stderr.contains("messages 'two'"), "\(out.stderr)")
    }

    @Test("attribution: days or weeks, located when it is not", arguments: [
        ("attribution: 2mo\n", "attribution '2mo' must be days or weeks, from 1d to 365d"),
        ("attribution: 0d\n", "attribution '0d' must be days or weeks"),
        ("attribution: soon\n", "attribution 'soon' must be days or weeks"),
    ])
    func badAttribution(line: String, message: String) throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        try CLIRunner.write("title: x\naudience: mothers\ntemplate: vaccination_reminder\n" + line, to: "campaigns/attr.yaml", in: dir)
        let out = try CLIRunner.run(["validate"], in: dir)
        #expect(out.status == 1)
        #expect(out.stderr.contains(message), "\(out.stderr)")
        #expect(out.stderr.contains("attr.yaml:4:"), "\(out.stderr)")
        try CLIRunner.write("title: x\naudience: mothers\ntemplate: vaccination_reminder\nattribution: 3w\n", to: "campaigns/attr.yaml", in: dir)
        #expect(try CLIRunner.run(["validate"], in: dir).status == 0)
    }
}
