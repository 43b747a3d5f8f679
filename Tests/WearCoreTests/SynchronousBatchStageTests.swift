import Foundation
import Testing
import WearTesting
@testable import WearCore

/// A synchronous stage through the batch adapter gives what `StageRunner`
/// gives: the same output, rejects and ledger, whatever the chunking.
@Suite struct SynchronousBatchStageTests {
    static let inputs = [
        "{\"do\":\"pass\",\"n\":1}\n{\"do\":\"reject\"}\n\n{\"do\":\"append\"}\n{\"do\":\"consume\"}\nnot json\n{\"do\":\"twice\"}",
        "[1]\n{\"a\":1,\"a\":2}\n{\"x\":\"" + String(repeating: "a", count: 100) + "\"}\n{\"ok\":1}\n\"str\"\n",
        "{\"do\":\"long\"}\n{\"do\":\"pass\"}\n",
        " \t\r\n{\"crlf\":true}\r\n\n\n{\"last\":\"no newline\"}",
    ]

    func harnessed(_ input: String, atomicLines: Bool, bytewise: Bool) throws -> StageHarnessOutcome {
        var options = RunnerOptions()
        options.atomicLines = atomicLines
        options.maxLineBytes = 64
        let harness = try StageHarness(ScriptedStage(), options: options)
        if bytewise { try harness.feedBytewise(input) } else { try harness.feed(input) }
        let outcome = try harness.finish()
        #expect(harness.stage.wrapped.finished)
        #expect(harness.stage.wrapped.persisted)
        return outcome
    }

    @Test(arguments: inputs.indices, [false, true])
    func givesWhatTheSynchronousRunnerGives(_ index: Int, _ atomicLines: Bool) throws {
        let input = Self.inputs[index]
        let direct = try runScripted(input, atomicLines: atomicLines, maxLineBytes: 64)
        for bytewise in [false, true] {
            let outcome = try harnessed(input, atomicLines: atomicLines, bytewise: bytewise)
            #expect(outcome.output == direct.output, "bytewise: \(bytewise)")
            #expect(outcome.rejects == direct.rejects, "bytewise: \(bytewise)")
            #expect(outcome.ledger == direct.ledger, "bytewise: \(bytewise)")
            // The finish line ({"end":true}) is no record: one more line than out.
            #expect(outcome.ledgerProblems(outputIsRecords: false).isEmpty, "\(outcome.ledgerProblems(outputIsRecords: false))")
            #expect(outcome.outputLines.count == outcome.ledger.recordsOut + 1)
        }
        #expect(direct.ledger.balances)
    }
}
