import Foundation
import Glibc
import Testing
import WearTesting

/// Regressions: each test pins a WearCore bug found by the end-to-end suite.
@Suite struct RuntimeRegressionTests {
    @Test func aFailedFinalFlushIsAnIOErrorNotSuccess() throws {
        let scratch = try TemporaryDirectory()
        try Data(Telemetry.lines(100).map { $0 + "\n" }.joined().utf8).write(to: scratch.file("small.ndjson"))
        let filter = try Binaries.url(of: "wear-filter").path
        let result = try ProcessRun.shell("'\(filter)' \(filterIdentityShell) < small.ndjson > /dev/full", directory: scratch.url)
        #expect(result.status == 74, "stderr:\n\(result.stderrText)")
        #expect(result.stderrText.contains("wear-filter: error: writing output: No space left on device"))
    }

    @Test func aReaderGoneBeforeTheFinalFlushIsAClosedOutput() throws {
        let scratch = try TemporaryDirectory()
        try Data(Telemetry.lines(100).map { $0 + "\n" }.joined().utf8).write(to: scratch.file("small.ndjson"))
        let filter = try Binaries.url(of: "wear-filter").path
        let result = try ProcessRun.run(URL(fileURLWithPath: "/bin/bash"), ["-c", """
            { sleep 1; '\(filter)' \(filterIdentityShell) < small.ndjson; } | true; echo "${PIPESTATUS[0]}"
            """], directory: scratch.url)
        #expect(result.stdoutText == "74\n", "stderr:\n\(result.stderrText)")
    }

    @Test func theLedgerBalancesWhenTheReaderGoesAway() throws {
        let scratch = try TemporaryDirectory()
        try Data(Telemetry.lines(20_000).map { $0 + "\n" }.joined().utf8).write(to: scratch.file("big.ndjson"))
        let filter = try Binaries.url(of: "wear-filter").path
        let result = try ProcessRun.run(URL(fileURLWithPath: "/bin/bash"), ["-c", "'\(filter)' \(filterIdentityShell) < big.ndjson | head -n 1 > /dev/null"],
                                        directory: scratch.url)
        let summary = try LedgerSummary.parse(stderr: result.stderrText, stage: "wear-filter")
        #expect(summary.balances, "\(result.stderrText)")
    }

    @Test func anOversizedLinesRejectDoesNotDependOnHowItWasRead() throws {
        let scratch = try TemporaryDirectory()
        let data = Data(("{\"a\":1}\n{\"long\":\"" + String(repeating: "y", count: 100) + "\"}\n{\"b\":2}\n").utf8)
        let args = { (name: String) in ["--max-line-bytes", "64", "--rejects", scratch.file(name).path] }
        let bytewise = try LiveStage("wear-filter", filterIdentity + args("bytewise"))
        for byte in data {
            bytewise.write(Data([byte]))
            _ = Polling.until { bytewise.unreadInputBytes == 0 }
        }
        #expect(bytewise.finish() == 0)
        let file = try ProcessRun.run(try Binaries.url(of: "wear-filter"), filterIdentity + args("file"), input: data)
        #expect(file.stdout == bytewise.stdout)
        #expect(try String(contentsOf: scratch.file("bytewise"), encoding: .utf8) == (try String(contentsOf: scratch.file("file"), encoding: .utf8)))
    }

    @Test func anUnwritableMetricsFileIsReportedOnce() throws {
        let result = try ProcessRun.run(try Binaries.url(of: "wear-filter"), filterIdentity + ["--metrics-file", "/nonexistent/dir/m.prom"])
        #expect(result.status == 74)
        #expect(result.stderrText.components(separatedBy: "cannot write /nonexistent/dir/m.prom").count == 2, "\(result.stderrText)")
    }
}
