import Foundation
import Testing

/// `send CAMPAIGN --test --to ADDRESS`: sample renderings sent to staff only, recorded as tests.
@Suite("send --test")
struct SendTestTests {
    static let morning = SendNowTests.morning

    @Test("--test --to sends each segment's sample only to the staff addresses, marked as a test, absent from report figures")
    func staffOnly() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try CLIRunner.run(["send", "back_to_school", "--test", "--to", "0551111111", "--to", "+966552222222",
                                     "--samples", "2", "--at", Self.morning], in: dir)
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("Test messages 8"), "\(out.stdout)")
        #expect(out.stdout.contains("accepted 8"), "\(out.stdout)")
        // Two segments × two samples × two staff numbers, and nobody else.
        let lines = try SendTests.outboxLines(dir)
        #expect(lines.count == 8)
        #expect(Set(lines.compactMap { $0["to"] as? String }) == ["+966551111111", "+966552222222"])
        #expect(lines.allSatisfy { $0["sender"] as? String == "MOE" && !(($0["text"] as? String) ?? "").isEmpty })

        let report = try #require(try CLIRunner.json(try CLIRunner.run(["report", "back_to_school", "--json"], in: dir)) as? [String: Any])
        #expect(report["testSends"] as? Int == 8, "\(report)")
        let total = try #require(report["total"] as? [String: Any])
        #expect(total["targeted"] as? Int == 0 && total["accepted"] as? Int == 0, "\(total)")
        let text = try CLIRunner.run(["report", "back_to_school"], in: dir)
        #expect(text.stdout.contains("Test sends: 8"), "\(text.stdout)")
        #expect(text.stdout.contains("Nothing sent yet."), "\(text.stdout)")
        // The samples' own frequency caps are untouched: the real occurrence still reaches all 9.
        let real = try CLIRunner.run(["send", "back_to_school", "--now", "--at", Self.morning], in: dir)
        #expect(real.stdout.contains("accepted 9"), "\(real.stdout)")
    }

    @Test("any campaign state may be tested, at any hour: a cancelled campaign at 23:00")
    func cancelledAtNight() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try CLIRunner.run(["cancel", "vaccination_round"], in: dir).status == 0)
        let out = try CLIRunner.run(["send", "vaccination_round", "--test", "--to", "0551111111", "--at", "2026-11-29T20:00:00Z"], in: dir)
        #expect(out.status == 0, "\(out.stderr)")
        #expect(try SendTests.outboxLines(dir).map { $0["to"] as? String } == ["+966551111111"])
    }

    @Test("a staff address of the wrong kind for the campaign's channel is an error before anything is sent")
    func wrongKind() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        let email = try CLIRunner.run(["send", "vaccination_round", "--test", "--to", "0551111111", "--to", "staff@example.org"], in: dir)
        #expect(email.status == 1)
        #expect(email.stderr.contains("is an email address, but campaign 'vaccination_round' sends sms only"), "\(email.stderr)")
        let bad = try CLIRunner.run(["send", "vaccination_round", "--test", "--to", "12"], in: dir)
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("not a valid mobile number"), "\(bad.stderr)")
        let none = try CLIRunner.run(["send", "vaccination_round", "--test"], in: dir)
        #expect(none.status != 0 && none.stderr.contains("--to"), "\(none.stderr)")
        #expect(try SendTests.outboxLines(dir).isEmpty)
    }
}
