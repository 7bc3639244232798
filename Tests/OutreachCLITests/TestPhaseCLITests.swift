import Foundation
import OutreachCore
import Testing

/// Staged sending (`test_phase:`) through the CLI as far as it goes today: plan and preview say what the
/// stage would do; launch and send refuse rather than send the variants to everyone at once.
@Suite("Test phase through the CLI")
struct TestPhaseCLITests {
    /// VariantsTests' project (2,000 people, `trial` split 50/50, 20% held out) with a test phase.
    func project() throws -> URL {
        let dir = try VariantsTests().project()
        let campaign = try String(contentsOf: dir.appendingPathComponent("campaigns/trial.yaml"), encoding: .utf8)
        try CLIRunner.write(campaign + "\ntest_phase: {share: 10%, decide_after: 48h, metric: reply}\n", to: "campaigns/trial.yaml", in: dir)
        return dir
    }

    @Test("plan and preview say the stage; launch and send refuse, nothing is sent and the campaign stays a draft")
    func plannedNotSent() async throws {
        let dir = try project()
        defer { try? FileManager.default.removeItem(at: dir) }
        let line = "Test phase: 10% now, the rest after 48 h with the leading variant (by reply rate)"
        var out = try CLIRunner.run(["preview", "trial", "--population", "pop.csv"], in: dir)
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains(line), "\(out.stdout)")
        out = try CLIRunner.run(["preview", "trial", "--json", "--population", "pop.csv"], in: dir)
        let preview = try #require(try CLIRunner.json(out) as? [String: Any])
        let phase = try #require(preview["testPhase"] as? [String: Any])
        #expect(phase["metric"] as? String == "reply" && phase["decideAfterHours"] as? Int == 48)
        out = try CLIRunner.run(["plan", "trial", "--population", "pop.csv"], in: dir)
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains(line), "\(out.stdout)")
        out = try CLIRunner.run(["validate"], in: dir)
        #expect(out.status == 0, "\(out.stderr)\(out.stdout)")

        out = try CLIRunner.run(["launch", "trial", "--population", "pop.csv"], in: dir)
        #expect(out.status != 0)
        #expect(out.stderr.contains("launch refused: campaign 'trial': staged sending (test_phase:) is checked and planned but not sent yet"), "\(out.stderr)")
        #expect(out.stderr.contains("campaigns/trial.yaml:1:1"), "\(out.stderr)")
        out = try CLIRunner.run(["send", "trial", "--now", "--population", "pop.csv"], in: dir)
        #expect(out.status != 0)
        #expect(out.stderr.contains("send refused: campaign 'trial': staged sending"), "\(out.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/outbox.jsonl").path))
        out = try CLIRunner.run(["status"], in: dir)
        let row = try #require(out.stdout.split(separator: "\n").first { $0.hasPrefix("trial ") })
        #expect(row.contains(" draft "), "\(out.stdout)")
    }
}
