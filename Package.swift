// swift-tools-version:6.0
import PackageDescription

// Tandem: pairs mentors with mentees and schedules their sessions.
// The modules follow the monthly pipeline; each stage is a pure library,
// and only `tandem` (the executable) touches files, the clock and the terminal.
let package = Package(
    name: "Tandem",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "tandem", targets: ["tandem"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        // GLPK's C API (Debian: libglpk-dev). Only `GLPK` imports it.
        .systemLibrary(name: "CGLPK", path: "Sources/CGLPK", providers: [.apt(["libglpk-dev"])]),
        // A thin, owning Swift layer over GLPK that validates everything before GLPK sees it.
        .target(name: "GLPK", dependencies: ["CGLPK"]),

        // Shared value types: applicants, dates, configuration, diagnostics.
        .target(name: "TandemModel", dependencies: [.product(name: "TOMLKit", package: "TOMLKit")]),
        // 1. Read form exports into applicants, with diagnostics.
        .target(name: "TandemIngest", dependencies: ["TandemModel"]),
        // 2–3. Score candidate pairs and choose the pairs with GLPK.
        .target(name: "TandemMatching", dependencies: ["TandemModel", "GLPK"]),
        // 4. Give each pair six session dates inside both partners' hours.
        .target(name: "TandemScheduling", dependencies: ["TandemModel", "GLPK"]),
        // 5. RFC 5545 calendar files.
        .target(name: "TandemCalendar", dependencies: ["TandemModel", "TandemScheduling"]),
        // 5. Reports for the coordinator (CSV safe for Excel, Markdown summary).
        .target(name: "TandemReports", dependencies: ["TandemModel", "TandemMatching", "TandemScheduling"]),
        // The month's run from input bytes to output files, no I/O.
        .target(name: "TandemPipeline", dependencies: [
            "TandemModel", "TandemIngest", "TandemMatching", "TandemScheduling", "TandemCalendar", "TandemReports",
        ]),
        // The scheme's memory between months: applicants, pairs, sessions and runs in SQLite (GRDB).
        .target(name: "TandemLedger", dependencies: [
            "TandemModel", "TandemMatching", "TandemScheduling", "TandemCalendar", "TandemPipeline", "TandemReports",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .executableTarget(name: "tandem", dependencies: [
            "TandemModel", "TandemIngest", "TandemMatching", "TandemScheduling", "TandemCalendar", "TandemPipeline",
            "TandemLedger",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Seeded randomness and the shared export generator, for every test target that needs them.
        .target(name: "TandemTestSupport", path: "Tests/TandemTestSupport"),
        .testTarget(name: "GLPKTests", dependencies: ["GLPK"]),
        .testTarget(name: "TandemModelTests", dependencies: ["TandemModel"]),
        .testTarget(name: "TandemIngestTests", dependencies: ["TandemTestSupport", "TandemIngest"]),
        .testTarget(name: "TandemMatchingTests", dependencies: ["TandemTestSupport", "TandemMatching", "TandemIngest"]),
        .testTarget(name: "TandemSchedulingTests", dependencies: ["TandemTestSupport", "TandemScheduling", "TandemCalendar"]),
        .testTarget(name: "TandemReportsTests", dependencies: ["TandemTestSupport", "TandemReports", "TandemPipeline", "TandemModel", "TandemMatching"]),
        .testTarget(name: "TandemPipelineTests", dependencies: ["TandemTestSupport", "TandemPipeline", "TandemReports", "TandemModel"]),
        // Runs the built `tandem` binary, so it depends on the executable being built first; also tests its staging.
        .testTarget(name: "EndToEndTests", dependencies: ["tandem", "TandemTestSupport", "TandemModel", "TandemLedger",
                                                        .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "TandemLedgerTests", dependencies: ["TandemTestSupport", 
            "TandemLedger", "TandemPipeline", "TandemModel", "TandemScheduling",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
    ]
)
