import Foundation
import Testing

/// A launch refuses what `validate` refuses, and a schedule that would
/// never send, and launches nothing then.
@Suite("Launch keeps its word")
struct LaunchChecksTests {
    let at = "2026-11-29T06:00:00Z"

    private func campaign(_ extra: String, sender: String = "MOH", in dir: URL) throws {
        try ("title: t\naudience: mothers\ntemplate: vaccination_reminder\nchannel: sms\ngateway: outbox\nsender: \(sender)\n" + extra)
            .write(to: dir.appendingPathComponent("campaigns/t.yaml"), atomically: true, encoding: .utf8)
    }

    private func state(_ dir: URL) throws -> String? {
        let rows = try CLIRunner.json(try CLIRunner.run(["status", "t", "--json"], in: dir)) as? [[String: Any]]
        return rows?.first?["state"] as? String
    }

    @Test("a sender validate refuses makes launch refuse, and the campaign stays a draft")
    func validateErrors() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        try campaign("", sender: "MinistryOfHealth", in: dir)
        #expect(try CLIRunner.run(["validate"], in: dir).status == 1)
        let out = try CLIRunner.run(["launch", "t", "--at", at, "--yes"], in: dir)
        #expect(out.status == 1)
        #expect(out.stderr.contains("sender 'MinistryOfHealth' is longer than 11 characters"), "\(out.stderr)")
        #expect(out.stderr.contains("launch refused"), "\(out.stderr)")
        #expect(try state(dir) == "draft")
        #expect(try CLIRunner.run(["run", "--live", "--once", "--at", at], in: dir).status == 0)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/outbox.jsonl").path))
    }

    @Test("a schedule whose every send is past (a Hijri date typed in) or over a year away is refused with the reason", arguments: [
        ("schedule:\n  timezone: Asia/Riyadh\n  start: 1448-06-20T10:00\n", "every send of its schedule is in the past"),
        ("schedule:\n  timezone: Asia/Riyadh\n  start: 2026-11-01T10:00\n  repeat: {every: 7d, times: 2}\n", "every send of its schedule is in the past"),
        ("schedule:\n  timezone: Asia/Riyadh\n  start: 2028-03-01T10:00\n", "is more than a year away"),
    ])
    func neverSends(schedule: String, reason: String) throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        try campaign(schedule, in: dir)
        let out = try CLIRunner.run(["launch", "t", "--at", at, "--yes"], in: dir)
        #expect(out.status == 1)
        #expect(out.stderr.contains(reason), "\(out.stderr)")
        #expect(try state(dir) == "draft")
    }

    @Test("a schedule with a send ahead launches")
    func launches() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        try campaign("schedule:\n  timezone: Asia/Riyadh\n  start: 2026-11-01T10:00\n  repeat: {every: 7d, times: 10}\n", in: dir)
        let out = try CLIRunner.run(["launch", "t", "--at", at, "--yes"], in: dir)
        #expect(out.status == 0, "\(out.stderr)")
        #expect(try state(dir) == "launched")
    }
}
