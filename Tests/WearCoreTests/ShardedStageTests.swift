import Foundation
import Glibc
import Testing
import WearTesting
@testable import WearCore

/// The sharded runner against the single-threaded one, on the per-key
/// counter: identical output with 1, 2 and 8 workers in ordered mode, the
/// same lines with each key's order kept in unordered mode, hostile lines
/// rejected as the synchronous runner rejects them, ledger balanced.
@Suite("ShardedStage")
struct ShardedStageTests {
    @Test(arguments: [1, 2, 8])
    func orderedOutputIsByteIdenticalToTheSingleThreadedRunner(workers: Int) throws {
        let input = ShardInput.mixed(records: 6000, devices: 41)
        let expected = try CounterRun.synchronous(input)
        let sharded = try CounterRun.sharded(input, workers: workers, ordered: true)
        #expect(sharded.status == .ok)
        #expect(sharded.output == expected.output)
        // The runtime writes a line_too_long reject when it reads the line,
        // ahead of records still in flight: the rejects file is the same set.
        #expect(sharded.rejects.sorted() == expected.rejects.sorted())
        #expect(sharded.ledger == expected.ledger)
        #expect(sharded.ledger.balances)
        #expect(sharded.ledger.recordsIn == ShardInput.recordCount(input))
        #expect(Set(sharded.ledger.rejectsByReason.keys.map(\.code))
            == ["bad_json", "bad_utf8", "duplicate_key", "line_too_long", "missing_key", "not_object"])
    }

    @Test(arguments: [2, 8])
    func unorderedOutputKeepsEachKeysOrder(workers: Int) throws {
        let input = ShardInput.mixed(records: 6000, devices: 41)
        let expected = try CounterRun.synchronous(input)
        let sharded = try CounterRun.sharded(input, workers: workers, ordered: false, queueDepth: 2)
        #expect(sharded.status == .ok)
        #expect(sharded.ledger == expected.ledger && sharded.ledger.balances)
        #expect(sharded.lines.sorted() == expected.lines.sorted(), "the same lines")
        #expect(ShardInput.linesByKey(sharded.lines) == ShardInput.linesByKey(expected.lines), "each key's lines in input order")
        #expect(Set(sharded.rejects) == Set(expected.rejects))
    }

    @Test func escapedSpellingsOfAKeyLandOnTheSameShard() throws {
        // "wr-001" three ways: the counter must reach 3 whatever the shard count.
        let input = Array("""
            {"dev":"wr-001","seq":1}
            {"dev":"wr-\\u0030\\u00301","seq":2}
            {"d\\u0065v":"wr-001","seq":3}
            {"dev":"wr-002","seq":4}

            """.utf8)
        for workers in [1, 2, 8] {
            let run = try CounterRun.sharded(input, workers: workers, ordered: true)
            #expect(run.lines.map { $0.hasSuffix(#","n":3}"#) } == [false, false, true, false], "\(workers) workers")
            #expect(run.ledger.recordsOut == 4 && run.ledger.balances)
        }
    }

    @Test func everyShardPersistsItsOwnKeysOnItsWorker() throws {
        let input = ShardInput.mixed(records: 3000, devices: 29)
        let persisted = PersistedCounts()
        let run = try CounterRun.sharded(input, workers: 4, ordered: false, persisted: persisted)
        let snapshot = persisted.snapshot
        #expect(snapshot.shards == 4)
        #expect(!snapshot.counts.values.contains(-1), "no key counted in two shards")
        let expected = try CounterRun.synchronous(input)
        #expect(snapshot.counts.values.reduce(0, +) == expected.ledger.recordsOut)
        #expect(run.ledger.balances)
    }

    @Test func emptyInputStartsAndStopsEveryWorker() throws {
        let persisted = PersistedCounts()
        let run = try CounterRun.sharded([], workers: 8, ordered: true, persisted: persisted)
        #expect(run.status == .ok && run.output.isEmpty && run.ledger == Ledger())
        #expect(persisted.snapshot.shards == 8)
    }

    @Test func workersPinnedByNUMAAutoProduceTheSameOutput() throws {
        let input = ShardInput.mixed(records: 2000, devices: 17)
        let expected = try CounterRun.synchronous(input)
        let run = try CounterRun.sharded(input, workers: 2, ordered: true, numa: .auto)
        #expect(run.output == expected.output && run.ledger.balances)
    }

    @Test func exportsRecordsPerShard() throws {
        var options = ShardingOptions(key: "dev", workers: 3)
        options.hash = ShardHash(seed: 1)
        let stage = ShardedStage(options: options) { _ in PerKeyCounterStage() }
        let families = stage.metrics().map(\.name)
        #expect(families == ["wear_shard_workers", "wear_shard_records_total", "wear_shard_queue_full_waits_total"])
    }
}
