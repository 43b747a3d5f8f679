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

/// A batch built by hand: owned bytes, padding after every line, tickets.
@Suite struct RecordBatchTests {
    @Test func aBatchKeepsItsLinesNumbersAndTicketsAfterTheSourceIsGone() throws {
        var source: [[UInt8]]? = [Array(#"{"a":1}"#.utf8), Array("[2]".utf8), Array(#"{"c":3}"#.utf8)]
        let batch = RecordBatch(lines: source ?? [], id: 40, firstLineNumber: 7)
        source = nil
        #expect(batch.count == 3)
        #expect(batch.tickets.map(\.sequence) == [40, 41, 42])
        #expect((0..<3).map(batch.lineNumber(at:)) == [7, 8, 9])
        #expect(Array(batch.line(at: 2).bytes) == Array(#"{"c":3}"#.utf8))
        #expect(batch.index(of: RecordTicket(batch: 40, index: 3)) == nil)
        #expect(batch.index(of: RecordTicket(batch: 41, index: 0)) == nil)
        let parser = JSONParser(capacity: 64)
        let first = try batch.record(at: 0, parser: parser).get()
        #expect(first.json?["a"]?.int64 == 1)
        #expect(throws: RecordLayer.Fault.self) { try batch.record(at: 1, parser: parser).get() }
        #expect(batch.record(at: 1, parser: parser, acceptsNonJSON: true).map { $0.json == nil } == .success(true))
    }

    @Test func completionsFromAnotherBundleKeepTheirLines() {
        var first = Completions(), second = Completions()
        first.emit(RecordTicket(batch: 0, index: 0)) { $0.line(Array("a".utf8)); $0.line(Array("b".utf8)) }
        second.emit(RecordTicket(batch: 0, index: 1)) { $0.line(Array("c".utf8)) }
        second.emitWithoutRecord { $0.line(Array("d".utf8)) }
        first.append(contentsOf: second)
        #expect(first.entries.map(\.outcome) == [.emitted(lines: 0..<2), .emitted(lines: 2..<3), .extra(lines: 3..<4)])
        #expect((0..<4).map { String(decoding: first.line($0), as: UTF8.self) } == ["a", "b", "c", "d"])
    }
}
