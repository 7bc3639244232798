import Foundation
import Testing
@testable import OutreachCore

/// `ProportionComparison` against an independent computation: statsmodels' two-proportion intervals
/// (Tests/Fixtures/uplift_reference.py, `pip install statsmodels`, which `make test-deps` does) on seeded
/// outcomes with a planted effect and without one.
@Suite struct UpliftStatisticsTests {
    struct Case: Decodable {
        var treated_outcomes: Int
        var treated: Int
        var control_outcomes: Int
        var control: Int
        var diff_low: Double
        var diff_high: Double
        var ratio_low: Double?
        var ratio_high: Double?
    }

    struct Scenario: Decodable {
        var p_treated: Double
        var p_control: Double
        var trials: [Case]
    }

    struct Reference: Decodable {
        var planted: Scenario
        var null: Scenario
        var edges: [Case]
    }

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/uplift_reference.py").path

    static func reference() throws -> Reference {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, "--trials", "100"]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let problem = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ReferenceError(message: "uplift_reference.py failed (is statsmodels installed? make test-deps): \(problem)")
        }
        return try JSONDecoder().decode(Reference.self, from: data)
    }

    struct ReferenceError: Error, CustomStringConvertible { var message: String; var description: String { message } }

    static func comparison(_ c: Case) -> ProportionComparison {
        ProportionComparison(treatedOutcomes: c.treated_outcomes, treated: c.treated, controlOutcomes: c.control_outcomes,
                             control: c.control)!
    }

    static func expectMatches(_ c: Case) {
        let mine = comparison(c)
        #expect(abs(mine.differenceInterval.lower - c.diff_low) < 1e-12, "\(c)")
        #expect(abs(mine.differenceInterval.upper - c.diff_high) < 1e-12, "\(c)")
        if let low = c.ratio_low, let high = c.ratio_high {
            #expect(abs(mine.ratioInterval!.lower - low) < 1e-9 * max(1, low), "\(c)")
            #expect(abs(mine.ratioInterval!.upper - high) < 1e-9 * max(1, high), "\(c)")
        } else {
            #expect(mine.ratioInterval == nil)
        }
    }

    @Test func matchesStatsmodelsAndCoversThePlantedEffect() throws {
        let reference = try Self.reference()
        for c in reference.planted.trials + reference.null.trials + reference.edges { Self.expectMatches(c) }

        let planted = reference.planted.p_treated - reference.planted.p_control
        let plantedRatio = reference.planted.p_treated / reference.planted.p_control
        let covered = reference.planted.trials.map(Self.comparison).filter { $0.differenceInterval.contains(planted) }.count
        let coveredRatio = reference.planted.trials.map(Self.comparison).filter { $0.ratioInterval!.contains(plantedRatio) }.count
        #expect(reference.planted.trials.count == 100)
        #expect(covered >= 93, "the interval covered the planted uplift in \(covered) of 100 trials")
        #expect(coveredRatio >= 93, "the ratio interval covered the planted ratio in \(coveredRatio) of 100 trials")

        let coveredZero = reference.null.trials.map(Self.comparison).filter { $0.differenceInterval.contains(0) }.count
        let coveredOne = reference.null.trials.map(Self.comparison).filter { $0.ratioInterval!.contains(1) }.count
        #expect(reference.null.trials.count == 100)
        #expect(coveredZero >= 93, "with nothing planted the interval covered zero in \(coveredZero) of 100 trials")
        #expect(coveredOne >= 93, "with nothing planted the ratio interval covered one in \(coveredOne) of 100 trials")
    }

    @Test func wilsonIntervalOfKnownValues() {
        // Newcombe (1998), table I: 81 of 263 → 0.2553 to 0.3662 (Wilson, no continuity correction).
        let (low, high) = ProportionComparison.wilson(81, 263)
        #expect(abs(low - 0.2553) < 5e-5)
        #expect(abs(high - 0.3662) < 5e-5)
    }

    @Test func emptyGroupsHaveNoComparisonAndSmallOnesAreFlagged() {
        #expect(ProportionComparison(treatedOutcomes: 0, treated: 0, controlOutcomes: 1, control: 10) == nil)
        #expect(ProportionComparison(treatedOutcomes: 3, treated: 20, controlOutcomes: 2, control: 20)!.tooSmallToTell)
        #expect(!ProportionComparison(treatedOutcomes: 300, treated: 1000, controlOutcomes: 250, control: 1000)!.tooSmallToTell)
        #expect(ProportionComparison(treatedOutcomes: 300, treated: 1000, controlOutcomes: 250, control: 1000)!.direction == 1)
        #expect(ProportionComparison(treatedOutcomes: 0, treated: 50, controlOutcomes: 0, control: 50)!.ratio == nil)
    }
}
