import Foundation
@testable import OutreachCore
import Testing

/// Variants and the held-out control group (`ExperimentAssignment`): shares match what the campaign says over
/// a million people, and a person's draw depends on the campaign, their id and the ledger's key alone.
@Suite("Variant and holdout assignment")
struct ExperimentAssignmentTests {
    static let key = MessageIDKey(scheme: .hmacSHA256, bytes: Array(0..<32))
    static let people = 1_000_000

    /// Generated national ids, as a registry's: ten digits.
    static func id(_ n: Int) -> String { String(1_000_000_000 + n * 7919 % 8_999_999_999) }

    @Test("over 1M people each variant's share is within ±0.5 points of its weight and the holdout within ±0.3 points")
    func shares() throws {
        // The keyed draw itself, person by person (a minute in a debug build: one HMAC each).
        try Self.checkShares(weights: [50, 30, 20], holdoutPercent: 5) { split in
            let assignment = ExperimentAssignment(campaign: "vaccination_wording", key: Self.key)
            return { n in assignment.assign(recipient: Self.id(n), split: split) }
        }
    }

    @Test("weights and holdouts map to shares exactly in expectation: 1M uniform draws", arguments: [
        ([50.0, 50.0], 5.0), ([70.0, 20.0, 10.0], 10.0), ([1.0, 3.0], 2.5), ([33.3, 33.3, 33.4], 50.0),
    ])
    func mapping(weights: [Double], holdoutPercent: Double) throws {
        var random = SplitMix64(seed: 20261208)
        try Self.checkShares(weights: weights, holdoutPercent: holdoutPercent) { split in
            { _ in split.assign(variantDraw: random.next(), holdoutDraw: random.next()) }
        }
    }

    static func checkShares(weights: [Double], holdoutPercent: Double,
                            _ make: (ExperimentAssignment.Split) -> (Int) -> ExperimentAssignment.Assignment) throws {
        let split = ExperimentAssignment.Split(weights: weights, holdout: HoldoutShare(percent: holdoutPercent))
        let assign = make(split)
        var perVariant = Array(repeating: 0, count: weights.count)
        var heldPerVariant = Array(repeating: 0, count: weights.count)
        var held = 0
        for n in 0..<Self.people {
            let a = assign(n)
            perVariant[a.variant] += 1
            if a.heldOut {
                held += 1
                heldPerVariant[a.variant] += 1
            }
        }
        let total = weights.reduce(0, +)
        for (i, weight) in weights.enumerated() {
            let share = Double(perVariant[i]) / Double(Self.people) * 100
            #expect(abs(share - weight / total * 100) <= 0.5, "variant \(i): \(share)% for weight \(weight / total * 100)%")
            // Held-out people keep the variant they would have had, spread as everyone's is.
            let heldShare = Double(heldPerVariant[i]) / Double(max(1, held)) * 100
            #expect(abs(heldShare - weight / total * 100) <= 1.5, "held out in variant \(i): \(heldShare)%")
        }
        let holdout = Double(held) / Double(Self.people) * 100
        #expect(abs(holdout - holdoutPercent) <= 0.3, "holdout \(holdout)% for \(holdoutPercent)%")
    }

    @Test("split thresholds: a draw maps to variants by cumulative weight; 0% holds nobody out, the top draw is the last variant")
    func thresholds() {
        let split = ExperimentAssignment.Split(weights: [1, 1, 2], holdout: nil)
        #expect(split.assign(variantDraw: 0, holdoutDraw: 0) == .init(variant: 0, heldOut: false))
        #expect(split.assign(variantDraw: 1 << 62 - 1, holdoutDraw: 0).variant == 0)
        #expect(split.assign(variantDraw: 1 << 62, holdoutDraw: 0).variant == 1)
        #expect(split.assign(variantDraw: 1 << 63, holdoutDraw: 0).variant == 2)
        #expect(split.assign(variantDraw: .max, holdoutDraw: 0).variant == 2)
        let half = ExperimentAssignment.Split(weights: [], holdout: HoldoutShare(percent: 50))
        #expect(half.assign(variantDraw: 0, holdoutDraw: 1 << 63 - 1).heldOut)
        #expect(!half.assign(variantDraw: 0, holdoutDraw: 1 << 63).heldOut)
        #expect(!ExperimentAssignment.Split(weights: [], holdout: HoldoutShare(percent: 0)).assign(variantDraw: 0, holdoutDraw: 0).heldOut)
    }

    @Test("the same person gets the same draw every time; another key, another campaign or another person draws apart")
    func stableAndKeyed() {
        let split = ExperimentAssignment.Split(weights: [50, 50], holdout: HoldoutShare(percent: 20))
        let first = ExperimentAssignment(campaign: "c", key: Self.key)
        let again = ExperimentAssignment(campaign: "c", key: MessageIDKey(scheme: .hmacSHA256, bytes: Array(0..<32)))
        let otherKey = ExperimentAssignment(campaign: "c", key: MessageIDKey(scheme: .hmacSHA256, bytes: Array(1...32)))
        let otherCampaign = ExperimentAssignment(campaign: "d", key: Self.key)
        var sameUnderOtherKey = 0, sameInOtherCampaign = 0
        let n = 10_000
        for i in 0..<n {
            let id = Self.id(i)
            #expect(first.draws(recipient: id) == again.draws(recipient: id))
            let mine = first.assign(recipient: id, split: split)
            if otherKey.assign(recipient: id, split: split).variant == mine.variant { sameUnderOtherKey += 1 }
            if otherCampaign.assign(recipient: id, split: split).variant == mine.variant { sameInOtherCampaign += 1 }
            // Not the person key message ids carry (which anyone who sees a message id has).
            #expect(first.draws(recipient: id).variant != LedgerEntry.personKey(recipient: id, key: Self.key))
        }
        // Independent draws agree about half the time with two equal variants (a copy would agree always).
        #expect(abs(Double(sameUnderOtherKey) / Double(n) - 0.5) < 0.03)
        #expect(abs(Double(sameInOtherCampaign) / Double(n) - 0.5) < 0.03)
    }

    @Test("holdout shares: percent texts 0–50% are read; others refused")
    func holdoutText() {
        #expect(HoldoutShare("5%")?.fraction == 0.05)
        #expect(HoldoutShare(" 2.5 % ")?.percent == 2.5)
        #expect(HoldoutShare("50%")?.fraction == 0.5)
        #expect(HoldoutShare("0%")?.fraction == 0)
        #expect(HoldoutShare("10")?.fraction == 0.1)
        for bad in ["51%", "-1%", "abc", "%", "", "5%%", "1e1%", "nan"] { #expect(HoldoutShare(bad) == nil, "\(bad)") }
        #expect(HoldoutShare("5%")?.description == "5%")
        #expect(HoldoutShare("2.5%")?.description == "2.5%")
    }

    // MARK: Through the composition every command uses

    static func record(_ id: String, group: String) -> DictionaryRecordWithID {
        DictionaryRecordWithID(id: id, values: ["mobile": .text("+9665\(id.suffix(8))"), "first_name": .text("N"), "group": .text(group)])
    }

    static func composer(segments: [CampaignDefinition.Segment], holdout: HoldoutShare?) throws -> RecipientComposer {
        let short = try CampaignMessagesTests.template("short", channel: .sms, ar: "قصير {first_name}")
        let warm = try CampaignMessagesTests.template("warm", channel: .sms, ar: "دافئ {first_name}")
        var campaign = CampaignDefinition(name: "wording", title: "t", segments: segments, channels: [.sms])
        campaign.holdout = holdout
        var templates: [String: [Channel: CompiledTemplate]] = [:]
        var variants: [String: [[Channel: CompiledTemplate]]] = [:]
        let byName = ["short": short, "warm": warm]
        for s in segments {
            templates[s.name] = [.sms: byName[s.template]!]
            if !s.variants.isEmpty { variants[s.name] = s.variants.map { [.sms: byName[$0.template]!] } }
        }
        return RecipientComposer(campaign: campaign, templates: templates, contactFields: [.sms: "mobile"],
                                 variantTemplates: variants, assignmentKey: Self.key)
    }

    @Test("a person's variant does not depend on the order of the campaign's segments")
    func segmentOrder() throws {
        let a = CampaignDefinition.Segment(name: "a", audience: "a", template: "short",
                                           variants: [.init(template: "short", weight: 30), .init(template: "warm", weight: 70)])
        let b = CampaignDefinition.Segment(name: "b", audience: "b", template: "short",
                                           variants: [.init(template: "short", weight: 50), .init(template: "warm", weight: 50)],
                                           holdout: HoldoutShare(percent: 10))
        let forward = try Self.composer(segments: [a, b], holdout: HoldoutShare(percent: 5))
        let backward = try Self.composer(segments: [b, a], holdout: HoldoutShare(percent: 5))
        var variants: Set<String> = [], heldOut = 0
        for i in 0..<2000 {
            let id = Self.id(i)
            for segment in ["a", "b"] {
                let record = Self.record(id, group: segment)
                let one = forward.decide(record, segment: segment), other = backward.decide(record, segment: segment)
                #expect(one == other)
                variants.insert(one.variant ?? "none")
                if case .heldOut = one.composition { heldOut += 1 }
            }
        }
        #expect(variants == ["short", "warm"])
        #expect(heldOut > 0)
    }

    @Test("held-out people are those who would be messaged, recorded with the variant they would have had; others compose as before")
    func heldOutComposition() throws {
        let segment = CampaignDefinition.Segment(name: "s", audience: "s", template: "short",
                                                 variants: [.init(template: "short", weight: 50), .init(template: "warm", weight: 50)])
        let composer = try Self.composer(segments: [segment], holdout: HoldoutShare(percent: 50))
        var seen: [String: Int] = [:]
        for i in 0..<400 {
            let id = Self.id(i)
            let decision = composer.decide(Self.record(id, group: "s"), segment: "s")
            let variant = try #require(decision.variant)
            switch decision.composition {
            case .heldOut(let channel, let address):
                #expect(channel == .sms && address.hasPrefix("+9665"))
                seen["held " + variant, default: 0] += 1
            case .message(_, _, let rendered, _):
                // The variant drawn is the text sent.
                #expect(rendered.text.hasPrefix(variant == "short" ? "قصير" : "دافئ"))
                seen["sent " + variant, default: 0] += 1
            default:
                Issue.record("unexpected \(decision.composition)")
            }
            // Someone without a usable address is unreachable, whatever their draw: never held out.
            let noPhone = DictionaryRecordWithID(id: id, values: ["first_name": .text("N")])
            if case .unreachable = composer.decide(noPhone, segment: "s").composition {} else { Issue.record("not unreachable") }
        }
        #expect(Set(seen.keys) == ["held short", "held warm", "sent short", "sent warm"])
        // Held out: a skipped(holdout) in the ledger's words.
        #expect(RecipientComposer.Composition.heldOut(channel: .sms, address: "+966500000000").skipReason == .holdout)
    }

    @Test("a campaign without variants or holdout composes exactly as before, with no variant")
    func noExperiment() throws {
        let plain = CampaignDefinition.Segment(name: "s", audience: "s", template: "short")
        let composer = try Self.composer(segments: [plain], holdout: nil)
        let decision = composer.decide(Self.record(Self.id(1), group: "s"), segment: "s")
        #expect(decision.variant == nil)
        guard case .message = decision.composition else { Issue.record("no message"); return }
    }
}

/// A record with a population id, as a population row has.
struct DictionaryRecordWithID: RecordData {
    var id: String
    var values: [String: Value]
    func value(_ field: String) -> Value? { values[field] }
    var recordID: String? { id }
}
