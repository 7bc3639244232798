// swift-tools-version: 6.1
import PackageDescription

// One settings list for every target: Swift 6 language mode with strict
// concurrency everywhere (as swift-log and Hummingbird do).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Outreach",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "outreach", targets: ["outreach"]),
        .library(name: "OutreachCore", targets: ["OutreachCore"]),
        .library(name: "OutreachProject", targets: ["OutreachProject"]),
        // For Fuzz/Package.swift, which links the targets into libFuzzer executables.
        .library(name: "OutreachFuzzTargets", targets: ["OutreachFuzzTargets"]),
    ],
    dependencies: [
        // Command line
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // YAML project files
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        // The durable ledger (SQLite, the embedded default)
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        // Structured logging for the long-running parts
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        // Graceful shutdown of `outreach run` (SIGTERM finishes in-flight sends)
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        // `outreach serve`: delivery-report webhooks
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        // `outreach serve`'s /metrics: the swift-metrics API in the libraries, the
        // Prometheus exporter bootstrapped by the executable
        .package(url: "https://github.com/apple/swift-metrics", from: "2.4.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
    ],
    targets: [
        // MARK: C at the edge
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),

        // MARK: Pure domain (no I/O, no C)
        .target(
            name: "OutreachCore",
            swiftSettings: swiftSettings
        ),

        // MARK: Adapters
        // Reads a project folder (outreach.yaml, audiences/, templates/,
        // campaigns/) and streams population files from disk.
        .target(
            name: "OutreachProject",
            dependencies: [
                "OutreachCore",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),

        // libcurl engine and gateways: Kannel, Twilio-style, generic HTTP
        // (aggregator profiles), SMTP, file outbox.
        .target(
            name: "OutreachDispatch",
            dependencies: [
                "OutreachCore",
                "CCurl",
                .product(name: "Logging", package: "swift-log"),
                // Gateway send latency (a Timer per gateway and outcome).
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),

        // Durable send ledger, opt-outs, campaign states (SQLite via GRDB;
        // behind the core's LedgerStore protocol so PostgreSQL can follow).
        .target(
            name: "OutreachStore",
            dependencies: [
                "OutreachCore",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),

        // The scheduler behind `outreach run`: materialises due sends into the
        // ledger and drives the dispatcher, as a ServiceLifecycle service.
        .target(
            name: "OutreachScheduler",
            dependencies: [
                "OutreachCore",
                "OutreachDispatch",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // `outreach serve`: webhooks (delivery reports) into the ledger, as a
        // Hummingbird application built from a ServerConfiguration and a store.
        .target(
            name: "OutreachServer",
            dependencies: [
                "OutreachCore",
                "OutreachStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Composition
        // Builds the application from a project folder: the workspace, the
        // store outreach.yaml chooses, the gateways, the dispatcher, the
        // scheduler and the server, and the ServiceGroup of `run` and `serve`.
        // The commands are thin callers of it.
        .target(
            name: "OutreachApp",
            dependencies: [
                "OutreachCore",
                "OutreachProject",
                "OutreachDispatch",
                "OutreachStore",
                "OutreachScheduler",
                "OutreachServer",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Fuzzing
        // Each fuzz target's code path as a plain function of the input's
        // bytes: Fuzz/ wraps them in libFuzzer executables (`make fuzz`) and
        // OutreachFuzzTests replays every saved crash input through them.
        .target(
            name: "OutreachFuzzTargets",
            dependencies: ["OutreachCore", "OutreachProject"],
            swiftSettings: swiftSettings
        ),

        // MARK: Executable
        .executableTarget(
            name: "outreach",
            dependencies: [
                "OutreachApp",
                "OutreachCore",
                "OutreachProject",
                "OutreachDispatch",
                "OutreachStore",
                "OutreachScheduler",
                "OutreachServer",
                "CCurl",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Tests
        .testTarget(
            name: "OutreachCoreTests",
            dependencies: ["OutreachCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OutreachProjectTests",
            dependencies: ["OutreachProject", "OutreachCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OutreachDispatchTests",
            // The crash test runs the built `outreach` against a real Kannel
            // and reads the ledger it leaves.
            dependencies: ["OutreachDispatch", "OutreachCore", "OutreachStore", "outreach"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OutreachStoreTests",
            dependencies: ["OutreachStore", "OutreachCore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OutreachSchedulerTests",
            dependencies: ["OutreachScheduler", "OutreachStore", "OutreachDispatch", "OutreachProject", "OutreachCore",
                           .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OutreachServerTests",
            dependencies: ["OutreachServer", "OutreachStore", "OutreachCore",
                           .product(name: "HummingbirdTesting", package: "hummingbird"),
                           .product(name: "Prometheus", package: "swift-prometheus"),
                           // Reads docs/openapi.yaml to hold the API to it.
                           .product(name: "Yams", package: "Yams"),
                           .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OutreachAppTests",
            // Builds the application from the bundled example project, as the commands do.
            dependencies: ["OutreachApp", "OutreachServer", "OutreachScheduler", "OutreachStore", "OutreachDispatch",
                           "OutreachProject", "OutreachCore",
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                           .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CCurlTests",
            dependencies: ["CCurl"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OutreachCLITests",
            // Depends on the executable so `swift test` builds it; the tests
            // run it as a user would, on the bundled example project. The store
            // makes a ledger as an older version left it (launched, no stored version).
            dependencies: ["outreach", "OutreachStore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OutreachFuzzTests",
            // Inputs/<target>/: every input a fuzzer crashed on, replayed.
            dependencies: ["OutreachFuzzTargets"],
            resources: [.copy("Inputs")],
            swiftSettings: swiftSettings
        ),
    ]
)
