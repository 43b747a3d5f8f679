import Foundation
import WearCore

/// The sharded runner's test and benchmark stage: appends `"n"`, the number
/// of records of the same key seen so far (1 for a key's first record), so
/// any change of per-key order, a lost or doubled record, or a key split
/// over two shards shows in the output. A record without a string key is
/// rejected as `missing_key`.
///
/// The same stage runs under `StageRunner` (one thread) and as a shard of
/// `ShardedStage` (each shard counts its own keys): outputs must be equal.
public struct PerKeyCounterStage: Stage {
    public static var name: String { "wear-count" }

    public let key: String
    private var counts: [String: Int] = [:]
    /// Told each shard's counts when it persists (tests of the drain).
    private let persisted: PersistedCounts?

    public init(key: String = "dev", persisted: PersistedCounts? = nil) {
        self.key = key
        self.persisted = persisted
    }

    /// Keys counted by this instance.
    public var keys: Int { counts.count }

    public mutating func process(_ record: Record, into output: inout StageOutput) -> Verdict {
        guard let bytes = record.json?.member(named: key)?.stringBytes else {
            return .reject(.missingKey, detail: "no string member \"\(key)\"")
        }
        let name = String(decoding: bytes, as: UTF8.self)
        let count = counts[name, default: 0] + 1
        counts[name] = count
        output.emit(appendingTo: record.bytes) { $0.field("n", count) }
        return .emitted
    }

    public mutating func persist() throws {
        persisted?.add(counts)
    }
}

extension RejectReason {
    /// The record has no string member for the routing key.
    public static let missingKey = RejectReason("missing_key")
}

/// Collects what every shard persisted, from any thread.
///
/// `@unchecked Sendable`: `state` is only read or written while `lock` is
/// held. An NSLock (a pthread mutex) rather than Synchronization's `Mutex`,
/// whose futex ThreadSanitizer cannot see: the sharded tests run under TSan
/// without false reports.
public final class PersistedCounts: @unchecked Sendable {
    private let lock = NSLock()
    private var state: (shards: Int, counts: [String: Int]) = (0, [:])

    public init() {}

    func add(_ counts: [String: Int]) {
        lock.withLock {
            state.shards += 1
            state.counts.merge(counts) { _, _ in -1 } // a key in two shards shows as -1
        }
    }

    /// Shards that persisted, and the union of their counts.
    public var snapshot: (shards: Int, counts: [String: Int]) { lock.withLock { state } }
}
