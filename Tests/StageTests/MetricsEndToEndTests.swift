import Foundation
import Testing
import WearCore
import WearTesting

/// `--metrics-file` from a real run: the counts match the summary, the file
/// passes `promtool check metrics`, and the interval timer rewrites it while
/// the stage waits for input.
@Suite struct MetricsEndToEndTests {
    /// promtool, from the Debian package `prometheus`; a missing tool is a failure, not a skip.
    static func promtool() throws -> URL {
        for folder in ["/usr/bin", "/usr/local/bin", "/bin"] where FileManager.default.isExecutableFile(atPath: "\(folder)/promtool") {
            return URL(fileURLWithPath: "\(folder)/promtool")
        }
        throw TestSupportError("promtool not found: apt-get install prometheus (make deps installs it)")
    }

    @Test(arguments: identityStages)
    func theMetricsFileHasTheRunsCountsAndPassesPromtool(_ stage: String) throws {
        let promtool = try Self.promtool()
        let scratch = try TemporaryDirectory()
        let lines = Telemetry.lines(40) + ["not json", "[1]", "[2]", #"{"a":1,"a":2}"#, ""]
        let result = try ProcessRun.run(try Binaries.url(of: stage), identityArguments(stage) +
                                        ["--metrics-file", "m.prom", "--metrics-interval", "100ms", "--rejects", "rejects"],
                                        input: Data(lines.joined(separator: "\n").utf8), directory: scratch.url)
        #expect(result.status == 0)
        expectBalancedLedger(stage, result, rejects: try Data(contentsOf: scratch.file("rejects")))
        let metrics = try String(contentsOf: scratch.file("m.prom"), encoding: .utf8)
        for sample in [
            #"wear_records_in_total{stage="\#(stage)"} 44"#,
            #"wear_records_out_total{stage="\#(stage)"} 40"#,
            #"wear_records_rejected_total{stage="\#(stage)",reason="bad_json"} 1"#,
            #"wear_records_rejected_total{stage="\#(stage)",reason="duplicate_key"} 1"#,
            #"wear_records_rejected_total{stage="\#(stage)",reason="not_object"} 2"#,
            #"wear_stage_info{stage="\#(stage)",version="\#(wearVersion)",commit="\#(try builtCommit(of: stage))"} 1"#,
        ] {
            #expect(metrics.split(separator: "\n").contains(Substring(sample)), "missing \(sample) in:\n\(metrics)")
        }
        #expect(metrics.contains("# TYPE wear_records_in_total counter"))
        // Resource use: the process's own CPU time and peak RSS (a running process has some of both).
        let values = MetricsText.values(metrics) // by series, labels sorted by name
        let cpu = values[#"wear_cpu_seconds_total{mode="user",stage="\#(stage)"}"#]
        #expect(cpu.map { $0 >= 0 && $0 < 60 } == true, "user CPU seconds: \(String(describing: cpu))")
        #expect(values[#"wear_cpu_seconds_total{mode="system",stage="\#(stage)"}"#] != nil)
        let rss = values[#"wear_resident_memory_max_bytes{stage="\#(stage)"}"#]
        #expect(rss.map { $0 > 1_000_000 && $0 < 4_000_000_000 } == true, "peak RSS bytes: \(String(describing: rss))")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: scratch.url.path).filter { $0.contains(".tmp") }
        #expect(leftovers.isEmpty, "temporary metrics files left behind: \(leftovers)")

        let check = try ProcessRun.run(promtool, ["check", "metrics"], input: Data(metrics.utf8))
        #expect(check.status == 0, "promtool check metrics:\n\(check.stdoutText)\(check.stderrText)")
    }

    /// Inode and modification time: a rename(2) of a new file changes both.
    private func identity(_ path: String) -> String? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
        return "\(attributes[.systemFileNumber] ?? 0) \((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)"
    }

    @Test func theIntervalTimerRewritesTheFileWhileTheStageWaitsForInput() throws {
        let scratch = try TemporaryDirectory()
        let path = scratch.file("m.prom").path
        let stage = try LiveStage("wear-filter", filterIdentity + ["--metrics-file", path, "--metrics-interval", "100ms"])
        stage.write(Telemetry.record(1) + "\n")
        try #require(stage.waitForLines(1))
        // Only the timer writes the file while stdin stays open and idle.
        let counted = #"wear_records_in_total{stage="wear-filter"} 1"#
        #expect(Polling.until { ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").contains(counted) },
                "the metrics file never showed the record while the stage was idle")
        let first = identity(path)
        #expect(first != nil)
        #expect(Polling.until { identity(path) != first }, "the metrics file was not rewritten while idle")
        #expect(stage.finish() == 0)
        expectBalancedLedger("wear-filter", stdout: stage.stdout, stderr: stage.stderr, rejects: nil)
        let final = try String(contentsOfFile: path, encoding: .utf8)
        #expect(final.contains(#"wear_records_out_total{stage="wear-filter"} 1"#))
    }
}
