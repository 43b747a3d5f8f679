/// How a `ShardedStage` spreads its records: `--workers`, `--numa`,
/// `--ordered`, and the member that routes them (`--key`).
public struct ShardingOptions: Sendable {
    /// Worker threads, each with its own shard (default: the CPUs available).
    public var workers: Int
    public var numa: NUMAMode = .off
    /// Write records in input order (else: as workers finish them, each
    /// key's records still in their input order).
    public var ordered = false
    /// The top-level member whose string value routes a record.
    public var key: String
    /// The runner's `--max-line-bytes` (the workers' parser capacity).
    public var maxLineBytes = 1 << 20
    /// Batches queued per worker before the runner waits for that worker;
    /// bounds memory to about workers × depth read blocks.
    public var queueDepth = 8
    /// The routing hash (random seed by default).
    public var hash = ShardHash()
    /// Where the CPU topology is read for `--numa auto`.
    public var sysfsRoot = "/sys/devices/system"

    public init(key: String, workers: Int = ShardingOptions.availableCPUs) {
        self.key = key
        self.workers = max(1, workers)
    }

    /// The worker that a record whose key is `key` goes to in this run
    /// (`ShardRouter`'s choice; the hash is seeded per run, so state saved
    /// by an earlier run must be placed with this, not with what it saved).
    public func shard(forKey key: UnsafeRawBufferPointer) -> Int {
        ShardHash.shard(of: hash.hash(key), among: workers)
    }

    /// The CPUs this process may run on (sched_getaffinity; at least 1).
    public static var availableCPUs: Int { max(1, WorkerThread.allowedCPUs().count) }
}
