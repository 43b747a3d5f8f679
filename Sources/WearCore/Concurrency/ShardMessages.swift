/// What the runner thread sends a shard worker, through its `SPSCQueue`.
/// Every command is answered by exactly one `ShardReport`, in order.
enum ShardCommand: Sendable {
    /// Process these records of `batch` (indices in input order).
    case records(ShardWork)
    /// End of input or SIGTERM: run the shard's `finish`.
    case finish(sequence: Int)
    /// Persist the shard's state now and go on (`--state-interval`): every
    /// record sent before is processed, none after, so the shards together
    /// save one consistent cut of the input.
    case checkpoint
    /// Persist the shard's state and end the thread.
    case stop
}

/// One worker's part of a batch: the batch (shared, immutable, owned) and
/// which of its records belong to this shard.
struct ShardWork: Sendable {
    let batch: RecordBatch
    let indices: [Int32]
    /// The runner's batch counter, for `--ordered`.
    let sequence: Int
}

/// What a worker sends back: the completions of one command.
struct ShardReport: Sendable {
    enum Kind: Sendable {
        case records
        case finished
        /// The shard persisted for `.checkpoint`; `persistError` says why that failed.
        case checkpointed(persistError: String?)
        /// The thread is ending; `persistError` says why persisting failed.
        case stopped(persistError: String?)
    }

    let kind: Kind
    let worker: Int
    let sequence: Int
    let completions: Completions
}

/// The two queues and the doorbell between the runner and one worker, and
/// the runner's wake-up, which every worker shares.
///
/// Sendable: every member is (the queues by their single-producer,
/// single-consumer contract: the runner pushes `inbox` and pops `outbox`,
/// the worker does the opposite; nobody else touches them).
final class ShardChannel: Sendable {
    let inbox: SPSCQueue<ShardCommand>
    let outbox: SPSCQueue<ShardReport>
    let bell: Doorbell
    let results: EventFD

    init(depth: Int, results: EventFD) throws(ThreadFailure) {
        inbox = SPSCQueue(capacity: depth)
        // One more than the runner ever has in flight (see ShardPool.send).
        outbox = SPSCQueue(capacity: depth + 1)
        bell = try Doorbell()
        self.results = results
    }
}
