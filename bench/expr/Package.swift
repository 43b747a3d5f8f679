// swift-tools-version:6.1
//
// The expression-program micro-benchmark (bench/expr/run.sh): WearCore as
// a release-built dependency, one small executable, no test harness.
import PackageDescription

let package = Package(
    name: "expr-bench",
    dependencies: [.package(name: "wear", path: "../..")],
    targets: [
        .executableTarget(name: "ExprBench", dependencies: [.product(name: "WearCore", package: "wear")]),
    ]
)
