import Foundation
import Testing
import WearTesting

/// The identity stages composed with real shell pipes, and what happens when
/// the reader of a stage's output goes away.
@Suite struct PipeTests {
    /// 5,000 records with bad lines, blank lines, CRLF and long records mixed in:
    /// wear-score (--max-line-bytes 256) rejects the longest records, wear-alert
    /// (--max-line-bytes 200) the next longest, wear-filter every bad line.
    struct MixedInput {
        var lines: [String] = []
        var afterFilter: [String] = []
        var afterScore: [String] = []
        var afterAlert: [String] = []
        var filterReasons: [String: Int] = [:]

        init(records: Int) {
            let badLines = [("not json", "bad_json"), ("[1,2]", "not_object"), (#"{"dev":"a","dev":"b"}"#, "duplicate_key"),
                            (#"{"dev":"wr-1","seq":"#, "bad_json")]
            for index in 0..<records {
                if index % 500 == 250 {
                    let (line, reason) = badLines[(index / 500) % badLines.count]
                    lines.append(line)
                    filterReasons[reason, default: 0] += 1
                }
                if index % 700 == 3 { lines.append(index % 1400 == 3 ? "" : "  \t") }
                let pad = index % 97 == 5 ? 200 : index % 89 == 7 ? 100 : 0
                let record = Telemetry.record(index, pad: pad)
                lines.append(record)
                afterFilter.append(record)
                if record.utf8.count <= 256 { afterScore.append(record) }
                if record.utf8.count <= 200 { afterAlert.append(record) }
            }
        }

        /// CRLF on every third line, no newline after the last.
        var data: Data {
            var text = ""
            for (index, line) in lines.enumerated() {
                text += line
                if index < lines.count - 1 { text += index % 3 == 0 ? "\r\n" : "\n" }
            }
            return Data(text.utf8)
        }
    }

    @Test func threeStagesComposeInAShellPipeWithExactAccounting() throws {
        let input = MixedInput(records: 5000)
        #expect(input.afterScore.count < input.afterFilter.count && input.afterAlert.count < input.afterScore.count)
        let scratch = try TemporaryDirectory()
        try input.data.write(to: scratch.file("in.ndjson"))
        let (filter, score, alert) = (try Binaries.url(of: "wear-filter").path, try Binaries.url(of: "wear-score").path,
                                      try Binaries.url(of: "wear-alert").path)
        let result = try ProcessRun.shell("""
            '\(filter)' \(filterIdentityShell) --rejects filter.rejects < in.ndjson \
              | '\(score)' --ordered --max-line-bytes 256 --rejects score.rejects | tee scored.ndjson \
              | '\(alert)' --max-line-bytes 200 --rejects alert.rejects > out.ndjson
            """, directory: scratch.url)
        #expect(result.status == 0, "\(result.stderrText)")
        let output = try Data(contentsOf: scratch.file("out.ndjson"))
        // wear-score appends score and why to each record it keeps, in order;
        // wear-alert consumes those within its limit (all warming up: no receipts).
        let scored = String(decoding: try Data(contentsOf: scratch.file("scored.ndjson")), as: UTF8.self)
            .split(separator: "\n").map(String.init)
        #expect(scored.count == input.afterScore.count)
        #expect(zip(scored, input.afterScore).allSatisfy { $0.hasPrefix(String($1.dropLast()) + #","score":"#) })
        let afterAlert = scored.filter { $0.utf8.count <= 200 }
        #expect(output.isEmpty, "\(String(decoding: output, as: UTF8.self).prefix(300))")

        var summaries: [LedgerSummary] = []
        for stage in ["wear-filter", "wear-score", "wear-alert"] {
            let rejects = try Data(contentsOf: scratch.file("\(stage.dropFirst(5)).rejects"))
            if let summary = expectBalancedLedger(stage, stdout: nil, stderr: result.stderrText, rejects: rejects) {
                summaries.append(summary)
            }
        }
        try #require(summaries.count == 3)
        let (f, s, a) = (summaries[0], summaries[1], summaries[2])
        #expect(f.recordsIn == input.afterFilter.count + input.filterReasons.values.reduce(0, +))
        #expect(f.byReason == input.filterReasons)
        #expect(f.recordsOut == s.recordsIn, "filter out vs score in")
        #expect(s.recordsOut == a.recordsIn, "score out vs alert in")
        #expect(s.byReason == ["line_too_long": input.afterFilter.count - input.afterScore.count])
        #expect(a.byReason == ["line_too_long": scored.count - afterAlert.count])
        #expect(a.recordsOut == afterAlert.count)

        // Reject line numbers are physical lines of each stage's own input.
        let scoreLines = try rejectLineNumbers(scratch.file("score.rejects"))
        let expected = input.afterFilter.enumerated().filter { $0.element.utf8.count > 256 }.map { $0.offset + 1 }
        #expect(scoreLines == expected)
    }

    private func rejectLineNumbers(_ url: URL) throws -> [Int] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return object?["line"] as? Int ?? -1
        }
    }

    @Test func aClosedStdoutEndsTheStageQuietlyWithStatus74() throws {
        let scratch = try TemporaryDirectory()
        let records = Telemetry.lines(20_000)
        let data = Data(records.map { $0 + "\n" }.joined().utf8)
        #expect(data.count >= 2 << 20)
        try data.write(to: scratch.file("big.ndjson"))
        let filter = try Binaries.url(of: "wear-filter").path
        let result = try ProcessRun.run(URL(fileURLWithPath: "/bin/bash"), ["-c", """
            '\(filter)' \(filterIdentityShell) < big.ndjson | head -n 1 > head.out; echo "${PIPESTATUS[0]} ${PIPESTATUS[1]}"
            """], directory: scratch.url)
        #expect(result.stdoutText == "74 0\n", "stderr:\n\(result.stderrText)")
        #expect(try String(contentsOf: scratch.file("head.out"), encoding: .utf8) == records[0] + "\n")
        let stderrLines = result.stderrText.split(separator: "\n")
        #expect(stderrLines.count == 1 && stderrLines[0].hasPrefix("wear-filter: info: in="), "\(result.stderrText)")
        // The record whose write failed counts as out: the ledger balances on this path too.
        let summary = try LedgerSummary.parse(stderr: result.stderrText, stage: "wear-filter")
        #expect(summary.balances && summary.rejected == 0 && summary.recordsIn < records.count)
    }
}
