// swift-tools-version:6.1
//
// wear: a security pipeline for wearable telemetry, as Unix filters.
//
// Dependencies run one way: executable -> domain module -> WearCore -> C shims.
// Domain modules never import ArgumentParser; only WearCLI and the thin
// executables do.
import PackageDescription

/// `-DWEAR_GIT_COMMIT="<commit>"` when the environment names a commit
/// made of hex digits (optionally with "-dirty"); nothing otherwise.
let buildCommitSettings: [CSetting] = {
    guard let commit = Context.environment["WEAR_GIT_COMMIT"], !commit.isEmpty, commit.count <= 48,
          commit.allSatisfy({ $0.isHexDigit || $0 == "-" || ("a"..."z").contains($0) }) else { return [] }
    return [.define("WEAR_GIT_COMMIT", to: "\"\(commit)\"")]
}()

let package = Package(
    name: "wear",
    products: [
        .executable(name: "wear-decrypt", targets: ["wear-decrypt"]),
        .executable(name: "wear-filter", targets: ["wear-filter"]),
        .executable(name: "wear-score", targets: ["wear-score"]),
        .executable(name: "wear-alert", targets: ["wear-alert"]),
        .executable(name: "wear", targets: ["wear"]),
        .library(name: "WearCore", targets: ["WearCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // Tests only: WearAlertTests reads twitter-text's YAML conformance cases.
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        // wear-alert's X sink (HTTP/1.1 over TLS); its tests' fake X API serves with NIOHTTP1.
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // MARK: C and C++ shims (only one Swift folder imports each)
        .systemLibrary(
            name: "CJansson",
            pkgConfig: "jansson",
            providers: [.apt(["libjansson-dev"])]
        ),
        .target(
            name: "CSimdjson",
            cxxSettings: [.unsafeFlags(["-O3", "-std=c++17"])],
            linkerSettings: [.linkedLibrary("simdjson")]
        ),
        .target(name: "CWearLinux"),
        // RE2 (apt libre2-dev): linear-time regular expressions for match() in rules.
        .target(name: "CWearRE2", linkerSettings: [.linkedLibrary("re2")]),
        // pthreads, CPU affinity and eventfd for WearCore/Concurrency (the sharded runner).
        .target(name: "CWearThreads"),
        // The git commit for --version and wear_stage_info: `make` passes
        // WEAR_GIT_COMMIT (git rev-parse); without it (a tarball, plain
        // `swift build`) the binaries say "unknown". Only this C file
        // recompiles when it changes.
        .target(name: "CWearBuild", cSettings: buildCommitSettings),
        // OpenSSL libcrypto (apt libssl-dev) for wear-decrypt's AES-GCM hot path.
        .target(name: "CWearCrypto", linkerSettings: [.linkedLibrary("crypto")]),

        // MARK: shared libraries
        .target(
            name: "WearCore",
            dependencies: [
                "CJansson", "CSimdjson", "CWearLinux", "CWearRE2", "CWearThreads", "CWearBuild",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "WearCLI",
            dependencies: [
                "WearCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "WearJOSE",
            dependencies: [
                "WearCore", "CWearCrypto",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "WearTesting",
            dependencies: ["WearCore", .product(name: "Logging", package: "swift-log")]
        ),
        // Test support that serves HTTP (the fake X API), apart so WearTesting stays free of NIO.
        .target(
            name: "WearTestingHTTP",
            dependencies: [
                "WearCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),

        // MARK: stage domain modules and their thin commands
        .target(
            name: "WearDecrypt",
            dependencies: ["WearCore", "WearJOSE", .product(name: "Logging", package: "swift-log")]
        ),
        .executableTarget(name: "wear-decrypt", dependencies: ["WearDecrypt", "WearCLI"]),
        .target(name: "WearFilter", dependencies: ["WearCore", .product(name: "Logging", package: "swift-log")]),
        .executableTarget(name: "wear-filter", dependencies: ["WearFilter", "WearCLI"]),
        .target(name: "WearScore", dependencies: ["WearCore", .product(name: "Logging", package: "swift-log")]),
        .executableTarget(name: "wear-score", dependencies: ["WearScore", "WearCLI"]),
        // Owns the receipt contract and the pseudonym function (wear eval imports them).
        .target(
            name: "WearAlert",
            dependencies: [
                "WearCore", "WearJOSE",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // wear-alert's HTTP client for X, apart so that what imports WearAlert for
        // the receipt contract (wear eval) does not link SwiftNIO and TLS.
        .target(
            name: "WearAlertX",
            dependencies: [
                "WearAlert", "WearCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .executableTarget(name: "wear-alert", dependencies: ["WearAlert", "WearAlertX", "WearCLI"]),
        .target(
            name: "WearTools",
            dependencies: ["WearCore", "WearJOSE", "WearAlert", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // `wear dashboard`: the live page, served with SwiftNIO's HTTP/1 server.
        .target(
            name: "WearDashboard",
            dependencies: [
                "WearCore", "WearAlert",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .executableTarget(name: "wear", dependencies: ["WearTools", "WearDashboard", "WearCLI"]),
        // The sharded runner's benchmark and process-test driver (bench/shard/run.sh).
        .executableTarget(
            name: "wear-shard-bench",
            dependencies: ["WearCore", "WearTesting", .product(name: "Logging", package: "swift-log")],
            path: "bench/shard/driver"
        ),
        // A stage that holds every record until the run ends, for the runtime's
        // real-process signal and drain tests (StageTests); never installed.
        .executableTarget(
            name: "wear-runtime-probe",
            dependencies: ["WearCore", "WearCLI", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                           .product(name: "Logging", package: "swift-log")],
            path: "Tests/Probes/wear-runtime-probe"
        ),
        // The outbox and X delivery in a real process, for StageTests' kill -9,
        // restart and lock tests; never installed.
        .executableTarget(
            name: "wear-outbox-probe",
            dependencies: ["WearAlert", "WearAlertX", "WearCore", .product(name: "Logging", package: "swift-log")],
            path: "Tests/Probes/wear-outbox-probe"
        ),

        // MARK: fuzzing support (in no product: shared by the libFuzzer target and its corpus test)
        .target(name: "WearDecryptFuzzing", dependencies: ["WearDecrypt", "WearJOSE", "WearCore"], path: "fuzz/WearDecryptFuzzing"),

        // MARK: tests
        .testTarget(
            name: "WearCoreTests",
            dependencies: ["WearCore", "WearTesting"],
            resources: []
        ),
        .testTarget(name: "WearCLITests", dependencies: ["WearCLI", "WearTesting"]),
        .testTarget(name: "WearJOSETests", dependencies: ["WearJOSE", "WearTesting"]),
        .testTarget(name: "WearDecryptTests", dependencies: ["WearDecrypt", "WearDecryptFuzzing", "WearTesting"]),
        .testTarget(name: "WearToolsTests", dependencies: ["WearTools", "WearTesting"]),
        .testTarget(
            name: "WearAlertTests",
            dependencies: [
                "WearAlert", "WearAlertX", "WearTesting", "WearTestingHTTP", .product(name: "Yams", package: "Yams"),
            ]
        ),
        .testTarget(name: "WearFilterTests", dependencies: ["WearFilter", "WearTesting"]),
        .testTarget(name: "WearDashboardTests", dependencies: ["WearDashboard", "WearTesting"]),
        .testTarget(name: "WearScoreTests", dependencies: ["WearScore", "WearTesting"]),
        // WearAlert only for OAuth1, to recompute the signatures the fake X API saw.
        .testTarget(name: "StageTests", dependencies: ["WearCore", "WearTesting", "WearTestingHTTP", "WearAlert"]),
        // packer/ and the release: install.sh's checks, images.sh, packer validate, the chroot install.
        .testTarget(name: "DeploymentTests", dependencies: ["WearTesting"]),
    ],
    cxxLanguageStandard: .cxx17
)

// wear-decrypt's libFuzzer target: only with WEAR_FUZZ=1 and --sanitize=fuzzer
// (libFuzzer supplies main), so ordinary builds never see it. See fuzz/Makefile.inc.
if Context.environment["WEAR_FUZZ"] == "1" {
    package.targets.append(.executableTarget(
        name: "wear-decrypt-fuzz",
        dependencies: ["WearDecryptFuzzing"],
        path: "fuzz/wear-decrypt",
        exclude: ["jwe.dict"],
        swiftSettings: [.unsafeFlags(["-parse-as-library"])]
    ))
}

// Strict settings for every Swift target in one place.
for target in package.targets where target.type != .system && target.name.first != "C" {
    var settings = target.swiftSettings ?? []
    settings.append(.swiftLanguageMode(.v6))
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    target.swiftSettings = settings
}
