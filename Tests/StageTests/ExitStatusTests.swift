import Foundation
import Testing
import WearTesting

/// Exit statuses (sysexits) and the one error line a person can act on,
/// for every identity stage. A bad record never changes the status.
@Suite struct ExitStatusTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let arguments: [String]
        let status: Int32
        /// The exact first line of stderr, with `STAGE` for the binary's name.
        let firstLine: String
        var testDescription: String { arguments.joined(separator: " ") + " exits \(status)" }
    }

    static let cases = [
        Case(arguments: ["--input", "/nonexistent"], status: 66,
             firstLine: "STAGE: error: cannot open input /nonexistent: No such file or directory"),
        Case(arguments: ["--rejects", "/nonexistent/dir/x"], status: 74,
             firstLine: "STAGE: error: cannot open rejects file /nonexistent/dir/x: No such file or directory"),
        Case(arguments: ["--input", "/"], status: 74, firstLine: "STAGE: error: cannot read input /: Is a directory"),
        Case(arguments: ["--max-line-bytes", "banana"], status: 64,
             firstLine: "STAGE: error: The value 'banana' is invalid for '--max-line-bytes <size>': expected a size such as 4096, 64KiB or 1MiB, found 'banana'"),
        Case(arguments: ["--max-line-bytes", "8"], status: 64,
             firstLine: "STAGE: error: --max-line-bytes must be at least 16 bytes, found 8"),
        Case(arguments: ["--metrics-interval", "0s"], status: 64, firstLine: "STAGE: error: --metrics-interval must be at least 10ms"),
        Case(arguments: ["--metrics-interval", "soon"], status: 64,
             firstLine: "STAGE: error: The value 'soon' is invalid for '--metrics-interval <duration>': expected a duration such as 90s, 10m or 2h, found 'soon'"),
        Case(arguments: ["--max-line-bytes", "-5"], status: 64,
             firstLine: "STAGE: error: The value '-5' is invalid for '--max-line-bytes <size>': expected a size such as 4096, 64KiB or 1MiB, found '-5'"),
    ]

    @Test(arguments: identityStages, cases)
    func exitsWithTheDocumentedStatusAndOneErrorLine(_ stage: String, _ testCase: Case) throws {
        let result = try ProcessRun.run(try Binaries.url(of: stage), identityArguments(stage) + testCase.arguments,
                                        input: Data((Telemetry.record(1) + "\n").utf8))
        #expect(result.status == testCase.status, "stderr:\n\(result.stderrText)")
        #expect(result.stdout.isEmpty, "stdout: \(result.stdoutText)")
        let lines = result.stderrText.split(separator: "\n").map(String.init)
        #expect(lines.first == testCase.firstLine.replacingOccurrences(of: "STAGE", with: stage))
        #expect(lines.filter { $0.contains("error") || $0.hasPrefix("Error:") }.count == 1, "\(lines)")
        // A start-up failure read nothing: no `info: in=0 out=0 rejected=0` after the error.
        #expect(!result.stderrText.contains("info: in="), "\(lines)")
    }

    @Test(arguments: identityStages)
    func badRecordsNeverChangeTheExitStatus(_ stage: String) throws {
        let scratch = try TemporaryDirectory()
        let input = ["not json", "[1]", #"{"a":1,"a":2}"#, "{\"bad\u{1}\":1}", Telemetry.record(7)].joined(separator: "\n")
        let result = try ProcessRun.run(try Binaries.url(of: stage), identityArguments(stage) + ["--rejects", scratch.file("rejects").path],
                                        input: Data(input.utf8))
        #expect(result.status == 0)
        if stage == "wear-score" {
            // The record, with score and why appended.
            #expect(result.stdoutLines.count == 1)
            #expect(result.stdoutLines.first?.hasPrefix(String(Telemetry.record(7).dropLast()) + #","score":null,"why":[]"#) == true,
                    "\(result.stdoutLines)")
        } else if stage == "wear-alert" {
            // Consumed: an unscored record opens nothing, so no receipt.
            #expect(result.stdoutLines.isEmpty, "\(result.stdoutLines)")
        } else {
            #expect(result.stdoutLines == [Telemetry.record(7)])
        }
        let rejects = try Data(contentsOf: scratch.file("rejects"))
        expectBalancedLedger(stage, result, rejects: rejects)
        #expect(try LedgerSummary.parse(stderr: result.stderrText, stage: stage).rejected == 4)
    }
}
