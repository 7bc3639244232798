// swift-tools-version: 6.1
import PackageDescription

// libFuzzer executables, one per fuzz target, over the main package's
// OutreachFuzzTargets. Built and run by Fuzz/run.sh (`make fuzz`) with
// the fuzzer and address sanitizers in its own scratch folder
// (.build-fuzz), so it never disturbs the ordinary build. Each executable
// is one file that exports LLVMFuzzerTestOneInput and no `main`: libFuzzer
// brings its own.
let targets = ["population-import", "audience-rule", "message-format", "project-yaml"]

let package = Package(
    name: "OutreachFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "Outreach", path: ".."),
    ],
    targets: targets.map { name in
        .executableTarget(
            name: "fuzz-\(name)",
            dependencies: [.product(name: "OutreachFuzzTargets", package: "Outreach")],
            path: "Sources/fuzz-\(name)"
        )
    }
)
