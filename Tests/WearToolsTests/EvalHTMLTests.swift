import Foundation
import Testing
import WearTesting
@testable import WearTools

/// `wear eval --html`: the report as a page people read at a glance,
/// drawn from the same numbers as the table.
@Suite struct EvalHTMLTests {
    let folder = SimSupport.fixture("eval-small")

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    func report() throws -> EvalReport {
        var runner = EvalRunner(labelsPath: path("labels.ndjson"))
        runner.decryptRejects = [path("decrypt.rejects")]
        runner.filterRejects = [path("filter.rejects")]
        runner.scored = [path("scored.ndjson")]
        return try runner.run()
    }

    @Test func thePageIsSelfContainedWithTheTableAndTheDelays() throws {
        let report = try report()
        let page = report.html()
        #expect(page.hasPrefix("<!DOCTYPE html>") && page.hasSuffix("</html>\n"))
        #expect(!page.contains("<script") && !page.contains("http://") && !page.contains("https://") && !page.contains("src="))
        #expect(page.contains("<table id=\"detection\">") && page.contains("<svg id=\"delays\""))
        // One table row per attack and the total; every attack's recall as a bar with its percentage.
        #expect(page.components(separatedBy: "<tr").count - 1 == 1 + report.rows.count + 1 + 1 + report.falsePositives.count)
        for row in report.rows {
            #expect(page.contains("<td>\(row.attack)</td><td>\(row.injected)</td><td>\(row.records)</td>"), "\(row.attack)")
        }
        #expect(page.components(separatedBy: "class=\"recall\"").count - 1 == report.rows.filter { $0.recall != nil }.count + 1)
        // A delay bar per attack caught anywhere, labelled with the table's delay.
        let caught = report.rows.filter { $0.medianDelayMs != nil }
        #expect(!caught.isEmpty)
        #expect(page.components(separatedBy: "class=\"delay\"").count - 1 == caught.count)
    }

    @Test func cellsAreShadedByTheShareCaught() {
        #expect(EvalReport.shade(0) == "rgb(255,255,255)")
        #expect(EvalReport.shade(1) == "rgb(76,175,80)")
        #expect(EvalReport.shade(7) == EvalReport.shade(1))
    }

    @Test func theCommandWritesThePageAndStillPrintsTheTable() throws {
        let scratch = try TemporaryDirectory()
        let page = scratch.file("eval.html").path
        let result = try ProcessRun.run(try Binaries.url(of: "wear"),
                                        ["eval", "--labels", path("labels.ndjson"), "--decrypt-rejects", path("decrypt.rejects"),
                                         "--scored", path("scored.ndjson"), "--html", page])
        #expect(result.status == 0, "\(result.stderrText)")
        #expect(result.stdoutText.hasPrefix("attack "))
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.contains("<table id=\"detection\">"))
        let unwritable = try ProcessRun.run(try Binaries.url(of: "wear"),
                                            ["eval", "--labels", path("labels.ndjson"), "--html", scratch.file("no/such/dir/eval.html").path])
        #expect(unwritable.status != 0 && unwritable.stderrText.contains("wear eval: error:"), "\(unwritable.stderrText)")
    }
}
