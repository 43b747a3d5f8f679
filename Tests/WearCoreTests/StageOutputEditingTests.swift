import Foundation
import Glibc
import Testing
import WearTesting
@testable import WearCore

/// A stage that tags every record (as wear-filter's `tag` will) and scores
/// it (as wear-score will), through `StageOutput.emit(editing:)`; a record
/// whose `flags` is not an array is rejected with the editor's reason.
struct TaggingStage: Stage {
    static var name: String { "wear-test" }
    static let flags: MemberName = "flags"
    static let score: MemberName = "score"
    let rule = MemberName("rule \"1\"")

    mutating func process(_ record: Record, into output: inout StageOutput) -> Verdict {
        do {
            try output.emit(editing: record) { editor in
                try editor.append(to: Self.flags, string: rule)
                try editor.set(Self.score, number: record.json?["hr"]?.double.map { $0 / 100 })
            }
            return .emitted
        } catch {
            return .reject(RejectReason("bad_flags"), detail: "\(error)")
        }
    }
}

@Suite struct StageOutputEditingTests {
    @Test func aStageEditsRecordsThroughTheRunnerAndRejectsWhatItCannotEdit() throws {
        let scratch = try TemporaryDirectory()
        let input = scratch.file("in.ndjson")
        try Data("""
            {"dev":"a","hr":50}
            {"dev":"b","flags":["gap"],"score":1,"hr":75}
            {"dev":"c","fl\\u0061gs":"x"}
            {"dev":"d","n":{"flags":1}}

            """.utf8).write(to: input)
        let outputPath = scratch.file("out.ndjson").path
        var options = RunnerOptions()
        options.input = .path(input.path)
        options.rejectsPath = scratch.file("rejects.ndjson").path
        options.outputFD = open(outputPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        try #require(options.outputFD >= 0)
        let (logger, _) = InMemoryLogHandler.logger()
        var runner = StageRunner(stage: TaggingStage(), options: options, logger: logger)
        #expect(runner.run() == .ok)
        close(options.outputFD)
        let output = try String(contentsOfFile: outputPath, encoding: .utf8)
        #expect(output == """
            {"dev":"a","hr":50,"flags":["rule \\"1\\""],"score":0.5}
            {"dev":"b","flags":["gap","rule \\"1\\""],"score":0.75,"hr":75}
            {"dev":"d","n":{"flags":1},"flags":["rule \\"1\\""],"score":null}

            """)
        let rejects = try String(contentsOfFile: options.rejectsPath ?? "", encoding: .utf8)
        #expect(rejects.contains(#""reason":"bad_flags","line":3,"detail":"member \"flags\" is a string, expected an array""#))
        #expect(runner.ledger.recordsIn == 4 && runner.ledger.recordsOut == 3 && runner.ledger.rejected == 1)
        #expect(runner.ledger.balances)
    }
}
