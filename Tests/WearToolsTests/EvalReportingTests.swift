import Foundation
import Testing
import WearTesting
import WearTools

/// How `wear eval` says what it did not measure, prints numbers, warns
/// about inputs that do not fit, and gates CI.
@Suite struct EvalReportingTests {
    let folder = SimSupport.fixture("eval-small")

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    @Test func aStageNotGivenIsNotMeasuredInTheTextAndNullInJSON() throws {
        var runner = EvalRunner(labelsPath: path("labels.ndjson"))
        runner.decryptRejects = [path("decrypt.rejects")]
        let report = try runner.run()
        let filterTag = try #require(report.falsePositives.first { $0.key == "filter_tag" })
        #expect(filterTag.count == nil)
        #expect(report.table().contains("  filter tag       -\n"))
        #expect(report.table().contains("  decrypt reject   0\n"))
        let json = try JSONSerialization.jsonObject(with: Data(report.document().dumped().utf8)) as? [String: Any]
        let clean = json?["false_positives"] as? [String: Any]
        #expect((clean?["filter_tag"] as? [String: Any])?["count"] is NSNull)
        #expect(JSONRead.int((clean?["decrypt"] as? [String: Any])?["count"]) == 0)
    }

    @Test func numbersPrintRoundedNotWithBinaryNoise() throws {
        var runner = EvalRunner(labelsPath: path("labels.ndjson"))
        runner.scored = [path("scored.ndjson")]
        runner.threshold = 0.8
        let text = try runner.run().document().dumped()
        #expect(text.contains(#""threshold":0.8,"#), "\(text)")
        #expect(!text.contains("0000000"), "\(text)")
        #expect(try runner.run().table().contains("score >= 0.8 "))
    }

    @Test func theSameFileGivenTwiceCountsOnceWithAWarning() throws {
        var once = EvalRunner(labelsPath: path("labels.ndjson"))
        once.decryptRejects = [path("decrypt.rejects")]
        var twice = once
        twice.rejects = [path("decrypt.rejects")]
        let report = try twice.run()
        #expect(report.total.caught == (try once.run()).total.caught)
        #expect(report.warnings == ["\(path("decrypt.rejects")) given twice (as --rejects and --decrypt-rejects): counted once"])
    }

    @Test func labelsOfAnotherRunAreCalledOut() throws {
        let scratch = try TemporaryDirectory()
        // A clean record wear-decrypt rejected: with the run's keys that does not happen.
        // The header names wr-000002, which no label covers at rx 1763700099000.
        let token = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIiwia2lkIjoid3ItMDAwMDAyIn0..AAAAAAAAAAAAAAAA.Zm9v.AAAAAAAAAAAAAAAAAAAAAA"
        let reject = #"{"stage":"wear-decrypt","reason":"auth_failed","line":1,"detail":"tag","input":"{\"jwe\":\"\#(token)\",\"rx\":1763700099000}"}"#
        try Data((reject + "\n").utf8).write(to: scratch.file("decrypt.rejects"))
        var runner = EvalRunner(labelsPath: path("labels.ndjson"))
        runner.decryptRejects = [scratch.file("decrypt.rejects").path]
        let warnings = try runner.run().warnings
        #expect(warnings.contains { $0.hasPrefix("wear-decrypt rejected 1 records the labels do not name (auth_failed=1)") }, "\(warnings)")
        #expect(warnings.contains { $0.hasPrefix("none of the 8 labelled records appear in the outputs given") }, "\(warnings)")
    }

    @Test func failUnderExitsOneWhenRecallIsBelowAndZeroOtherwise() throws {
        let wear = try Binaries.url(of: "wear")
        let base = ["eval", "--labels", path("labels.ndjson"), "--rejects", path("decrypt.rejects")]
        let below = try ProcessRun.run(wear, base + ["--fail-under", "0.9"])
        #expect(below.status == 1)
        #expect(below.stdoutText.contains("recall"), "the report still prints")
        #expect(below.stderrText == "wear eval: error: total recall 0.2 (1 of 5 attacks caught) is below --fail-under 0.9\n")
        let above = try ProcessRun.run(wear, base + ["--fail-under", "0.2"])
        #expect(above.status == 0, "\(above.stderrText)")
        let bad = try ProcessRun.run(wear, base + ["--fail-under", "90"])
        #expect(bad.status == 64)
        #expect(bad.stderrText.hasPrefix("wear: error: --fail-under must be between 0 and 1, found 90.0"))
    }
}
