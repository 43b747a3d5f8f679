import Foundation
import Testing
import WearTesting
@testable import WearCore

/// The sharded runner's less common paths: a queue one batch deep (the
/// runner waits for workers), a shard whose persist fails, and the ordered
/// merge of parts.
@Suite("ShardedStage edges")
struct ShardedStageEdgeTests {
    @Test func aOneBatchQueueMakesTheRunnerWaitAndLosesNothing() throws {
        let input = ShardInput.mixed(records: 40_000, devices: 53)
        let expected = try CounterRun.synchronous(input)
        var waits = 0.0
        let run = try CounterRun.sharded(input, workers: 3, ordered: true, queueDepth: 1) { stage in
            waits = stage.metrics().first { $0.name == "wear_shard_queue_full_waits_total" }?.samples.first?.value ?? -1
        }
        #expect(run.output == expected.output)
        #expect(run.ledger == expected.ledger && run.ledger.balances)
        #expect(waits > 0, "the runner outran a worker at least once")
    }

    @Test func aShardThatCannotPersistIsNamedInTheError() throws {
        var options = ShardingOptions(key: "dev", workers: 2)
        options.hash = ShardHash(seed: 3)
        var stage = ShardedStage(options: options) { index in FailingPersistStage(fails: index == 1) }
        var context = StageContext(clock: SystemClock(), remote: try RemoteCompleter())
        try stage.start(context: &context)
        #expect(context.watched.count == 1, "the stage watches its results eventfd")
        do {
            try stage.persist()
            Issue.record("expected shard 1's failure")
        } catch {
            #expect("\(error)" == "shard 1: cannot write state: disk full")
        }
        #expect(throws: Never.self, "the workers are gone: a second persist does nothing") { try stage.persist() }
    }

    @Test func mergingPartsRestoresInputOrderAndPutsRecordlessLinesLast() {
        func ticket(_ index: Int32) -> RecordTicket { RecordTicket(batch: 100, index: index) }
        var even = Completions(), odd = Completions()
        even.pass(ticket(0))
        even.emit(ticket(2), line: UnsafeRawBufferPointer(start: nil, count: 0))
        even.emitWithoutRecord { $0.line(Array("even-extra".utf8)) }
        odd.reject(ticket(1), RejectReason("odd_one"), detail: "one")
        odd.emit(ticket(3)) { lines in
            lines.line(Array("three-a".utf8))
            lines.line(Array("three-b".utf8))
        }
        let merged = Completions(mergingByRecord: [even, odd])
        #expect(merged.entries.map(\.ticket) == [ticket(0), ticket(1), ticket(2), ticket(3), nil])
        #expect(merged.entries[1].outcome == .reject(RejectReason("odd_one"), detail: "one"))
        var texts: [String] = []
        for line in 0..<merged.lineEnds.count {
            try? merged.withLine(line) { texts.append(String(decoding: $0, as: UTF8.self)) }
        }
        #expect(texts == ["", "three-a", "three-b", "even-extra"])
    }
}

/// A counter whose persist fails on the chosen shards.
struct FailingPersistStage: Stage {
    static var name: String { "wear-count" }
    let fails: Bool

    mutating func process(_ record: Record, into output: inout StageOutput) -> Verdict { .pass }

    mutating func persist() throws {
        if fails { throw StageFailure(status: .ioError, message: "cannot write state: disk full") }
    }
}
