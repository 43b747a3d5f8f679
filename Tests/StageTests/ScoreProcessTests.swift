import Foundation
import Testing
import WearTesting

/// wear-score as a process: sharding over 1, 2 and 8 workers gives the same
/// records, each device's in input order; --ordered gives the one-worker
/// output byte for byte; the ledger balances; metrics pass promtool.
@Suite struct ScoreProcessTests {
    static let input = GoldenFixtures.root.appendingPathComponent("wear-score/telemetry/input.ndjson")

    static func run(_ arguments: [String]) throws -> (lines: [String], result: ProcessResult) {
        let data = try Data(contentsOf: input)
        let result = try ProcessRun.run(try Binaries.url(of: "wear-score"), arguments + ["--warmup", "30"], input: data)
        #expect(result.status == 0, "\(result.stderrText)")
        expectBalancedLedger("wear-score", stdout: result.stdout, stderr: result.stderrText, rejects: nil)
        return (result.stdoutText.split(separator: "\n").map(String.init), result)
    }

    /// Each device's lines, in the order they came out.
    static func perDevice(_ lines: [String]) throws -> [String: [String]] {
        var devices: [String: [String]] = [:]
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            devices[object?["dev"] as? String ?? "", default: []].append(line)
        }
        return devices
    }

    @Test func oneTwoAndEightWorkersGiveTheSameRecordsEachDeviceInOrder() throws {
        let one = try Self.run(["--workers", "1"]).lines
        #expect(one.count == 1438)
        #expect(one.contains { $0.contains(#""score":1,"#) }, "the fixture's attacks score 1")
        for workers in ["2", "8"] {
            let many = try Self.run(["--workers", workers]).lines
            #expect(many.sorted() == one.sorted(), "\(workers) workers: the same records")
            #expect(try Self.perDevice(many) == Self.perDevice(one), "\(workers) workers: each device in input order")
            let ordered = try Self.run(["--workers", workers, "--ordered"]).lines
            #expect(ordered == one, "\(workers) workers, --ordered: the one-worker output")
        }
    }

    @Test func metricsPassPromtoolAndCountWhatWasScored() throws {
        let scratch = try TemporaryDirectory()
        let metrics = scratch.file("score.prom").path
        let (lines, _) = try Self.run(["--workers", "2", "--metrics-file", metrics])
        let text = try String(contentsOfFile: metrics, encoding: .utf8)
        let warming = lines.filter { $0.contains(#""score":null"#) }.count
        #expect(text.contains("wear_score_warming_total{stage=\"wear-score\"} \(warming)"), "\(text)")
        #expect(text.contains("wear_score_score_count{stage=\"wear-score\"} \(lines.count - warming)"), "\(text)")
        #expect(text.contains("wear_score_devices{stage=\"wear-score\"} 4"), "\(text)")
        #expect(text.contains("# TYPE wear_score_score histogram"))
        let check = try ProcessRun.run(try MetricsEndToEndTests.promtool(), ["check", "metrics"], input: Data(text.utf8))
        #expect(check.status == 0, "\(check.stdoutText)\(check.stderrText)")
    }

    @Test func badFeaturesAreUsageErrors() throws {
        for arguments in [["--feature", "m=norm(acc"], ["--feature", "9x"], ["--no-stuck", "nope"],
                          ["--feature", "a", "--feature", "a"], ["--warmup", "0"]] {
            let result = try ProcessRun.run(try Binaries.url(of: "wear-score"), arguments, input: Data())
            #expect(result.status == 64, "\(arguments): \(result.status) \(result.stderrText)")
            #expect(result.stderrText.contains("wear-score"), "\(result.stderrText)")
        }
    }
}
