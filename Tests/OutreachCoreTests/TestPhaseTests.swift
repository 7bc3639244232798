import Foundation
@testable import OutreachCore
import Testing

/// Staged sending's draw (`TestPhase`, `ExperimentAssignment.testPhaseDraw`): the test share matches the
/// campaign's over many people, is stable, and is independent of the variant and holdout draws.
@Suite("Test phase share")
struct TestPhaseTests {
    static let key = MessageIDKey(scheme: .hmacSHA256, bytes: Array(0..<32))
    static let people = 300_000

    static func id(_ n: Int) -> String { String(1_000_000_000 + n * 7919 % 8_999_999_999) }

    @Test("over 300k people the test share is within ±0.3 points of 10%, and holds variants and the holdout in their shares")
    func share() throws {
        let phase = try #require(TestPhase(percent: 10, decideAfterHours: 48, metric: .reply))
        let assignment = ExperimentAssignment(campaign: "vaccination_wording", key: Self.key)
        let split = ExperimentAssignment.Split(weights: [50, 50], holdout: HoldoutShare(percent: 20))
        var inShare = 0, firstVariant = 0, heldOut = 0
        for n in 0..<Self.people {
            let id = Self.id(n)
            guard assignment.inTestShare(recipient: id, phase: phase) else { continue }
            inShare += 1
            let a = assignment.assign(recipient: id, split: split)
            if a.variant == 0 { firstVariant += 1 }
            if a.heldOut { heldOut += 1 }
        }
        let percent = Double(inShare) / Double(Self.people) * 100
        #expect(abs(percent - 10) <= 0.3, "test share \(percent)%")
        // Independent draws: within the test share the variants and the holdout keep their shares.
        // (30,000 people: one standard error is 0.29 points for 50%, 0.23 for 20%.)
        let first = Double(firstVariant) / Double(inShare) * 100
        let held = Double(heldOut) / Double(inShare) * 100
        #expect(abs(first - 50) <= 1.5, "first variant within the test share: \(first)%")
        #expect(abs(held - 20) <= 1.2, "held out within the test share: \(held)%")
    }

    @Test("uniform draws map to the share exactly in expectation", arguments: [1.0, 10.0, 33.3, 50.0])
    func mapping(percent: Double) throws {
        let phase = try #require(TestPhase(percent: percent, decideAfterHours: 1, metric: .outcome))
        var random = SplitMix64(seed: 20261208)
        let n = 1_000_000
        var inShare = 0
        for _ in 0..<n where phase.inTestShare(draw: random.next()) { inShare += 1 }
        #expect(abs(Double(inShare) / Double(n) * 100 - percent) <= 0.3)
    }

    @Test("a person's draw is stable and depends on the campaign, the id and the key")
    func stable() {
        let a = ExperimentAssignment(campaign: "c", key: Self.key)
        #expect(a.testPhaseDraw(recipient: "1234567890") == ExperimentAssignment(campaign: "c", key: Self.key).testPhaseDraw(recipient: "1234567890"))
        #expect(a.testPhaseDraw(recipient: "1234567890") != a.testPhaseDraw(recipient: "1234567891"))
        #expect(a.testPhaseDraw(recipient: "1234567890") != ExperimentAssignment(campaign: "d", key: Self.key).testPhaseDraw(recipient: "1234567890"))
        let other = MessageIDKey(scheme: .hmacSHA256, bytes: Array(1..<33))
        #expect(a.testPhaseDraw(recipient: "1234567890") != ExperimentAssignment(campaign: "c", key: other).testPhaseDraw(recipient: "1234567890"))
        // Not the variant draw (its own digest, tagged apart).
        #expect(a.testPhaseDraw(recipient: "1234567890") != a.draws(recipient: "1234567890").variant)
    }

    @Test("durations and bounds", arguments: [
        ("48h", 48 as Int?), ("2d", 48), ("1w", 168), (" 12 h ", 12), ("2mo", nil), ("soon", nil), ("-1h", nil), ("", nil), ("h", nil),
    ])
    func hours(text: String, hours: Int?) {
        #expect(TestPhase.hours(text) == hours)
    }

    @Test("what plan and preview say")
    func summary() throws {
        #expect(try #require(TestPhase(percent: 10, decideAfterHours: 48, metric: .reply)).summary
                == "test phase: 10% now, the rest after 48 h with the leading variant (by reply rate)")
        #expect(try #require(TestPhase(percent: 2.5, decideAfterHours: 72, metric: .outcome)).summary
                == "test phase: 2.5% now, the rest after 3 d with the leading variant (by outcome rate)")
        #expect(TestPhase(percent: 0.5, decideAfterHours: 48, metric: .reply) == nil)
        #expect(TestPhase(percent: 51, decideAfterHours: 48, metric: .reply) == nil)
        #expect(TestPhase(percent: 10, decideAfterHours: 0, metric: .reply) == nil)
    }
}
