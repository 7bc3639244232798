import Foundation
import Testing
import OutreachFuzzTargets

/// One saved input of one fuzz target.
struct FuzzInput: Sendable, CustomTestStringConvertible {
    let target: FuzzTarget
    let url: URL

    var testDescription: String { "\(target.rawValue)/\(url.lastPathComponent)" }

    /// Every file under `folder/<target>/`, for every target.
    static func all(under folder: URL) -> [FuzzInput] {
        FuzzTarget.allCases.flatMap { target in
            let sub = folder.appendingPathComponent(target.rawValue)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: sub.path)) ?? []
            return names.filter { !$0.hasPrefix(".") }.sorted().map { FuzzInput(target: target, url: sub.appendingPathComponent($0)) }
        }
    }

    func run() throws {
        target.run(Array(try Data(contentsOf: url)))
    }
}

/// Replays saved inputs through exactly the code the libFuzzer executables
/// run (`FuzzTarget.run`): a bug that comes back crashes or traps the test.
struct FuzzReplayTests {
    /// Inputs/<target>/: every input a fuzzer crashed on (see Fuzz/run.sh).
    static let crashInputs = FuzzInput.all(under: Bundle.module.resourceURL!.appendingPathComponent("Inputs"))

    /// Fuzz/corpus/<target>/: the seeds, valid inputs from the bundled project.
    static let seeds = FuzzInput.all(under: URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/corpus"))

    @Test(arguments: crashInputs)
    func crashInputRunsWithoutCrashing(_ input: FuzzInput) throws {
        try input.run()
    }

    @Test(arguments: seeds)
    func seedRunsWithoutCrashing(_ input: FuzzInput) throws {
        try input.run()
    }

    /// The folders are found: an empty list would make the tests above pass vacuously.
    @Test func everyTargetHasSeedsAndTheCrashInputsAreBundled() {
        for target in FuzzTarget.allCases {
            #expect(Self.seeds.contains { $0.target == target }, "no seeds for \(target.rawValue)")
        }
        #expect(!Self.crashInputs.isEmpty)
    }
}
