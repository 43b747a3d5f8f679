import Logging

/// A synchronous `Stage` run on `--workers` threads, one shard each, with
/// records routed by the hash of a key member (`dev`): the shape of
/// wear-score. Each worker has its own parser and its own `Shard` instance
/// (made on the worker's thread, so its state lives on the worker's NUMA
/// node with `--numa auto`); no shard state is shared, so the shard needs no
/// locks and sees its keys' records in input order.
///
/// The runner thread frames input into `RecordBatch`es (the runtime), finds
/// each record's key by scanning the raw line (`ShardKeyScanner`, exact; a
/// real parse only for lines with escapes), splits each batch into one part
/// per worker, and queues the parts (`SPSCQueue`, a doorbell ring per part:
/// the sharding adds no lock, atomic or allocation per record). Workers
/// check each record with the record layer, run the shard, and send back
/// `Completions`,
/// which the runner applies as they arrive — or, with `ordered`, in input
/// order (`ReorderBuffer`). Either way a key's records keep their order
/// (one worker, FIFO queues both ways).
///
/// End of input and SIGTERM drain: every worker finishes what is queued and
/// runs the shard's `finish`, and the stage returns only when all of it is
/// completed; `persist` then stops the workers, each persisting its shard on
/// its own thread. Ledger: every record is completed exactly once, by a
/// worker (pass, emit, reject) — in = out + rejects at exit.
///
/// SIGHUP is not forwarded: shards have no reloadable configuration yet
/// (wear-score's features are command-line options).
public struct ShardedStage<Shard: Stage & SendableMetatype>: BatchStage {
    public static var name: String { Shard.name }
    public static var acceptsNonJSONLines: Bool { Shard.acceptsNonJSONLines }

    public let options: ShardingOptions
    private let makeShard: @Sendable (Int) -> Shard
    private var pool: ShardPool?
    private let router: ShardRouter
    private var order: OrderedRelease
    private var nextSequence = 0
    private var finished = false
    /// Records routed to each worker so far (metrics).
    private var routed: [Int]
    /// The pool's count of waits for a full queue, kept when it stops.
    private var fullWaitsBeforeStop = 0

    /// A sharded stage whose shards `makeShard(index)` builds, on worker `index`'s thread.
    public init(options: ShardingOptions, makeShard: @escaping @Sendable (_ shard: Int) -> Shard) {
        self.options = options
        self.makeShard = makeShard
        self.router = ShardRouter(key: options.key, hash: options.hash, shards: options.workers,
                                  maxLineBytes: options.maxLineBytes)
        self.order = OrderedRelease(ordered: options.ordered)
        self.routed = Array(repeating: 0, count: options.workers)
    }

    public mutating func start(context: inout StageContext) throws(StageFailure) {
        let pool = try ShardPool(options: options, makeShard: makeShard)
        context.watch(pool.results.descriptor)
        self.pool = pool
    }

    public mutating func process(_ batch: RecordBatch, context: inout StageContext) {
        guard let pool, batch.count > 0 else { return }
        let parts = router.split(batch)
        let sequence = nextSequence
        nextSequence += 1
        order.expect(sequence: sequence, parts: parts.reduce(0) { $1.isEmpty ? $0 : $0 + 1 })
        for (worker, indices) in parts.enumerated() where !indices.isEmpty {
            routed[worker] += indices.count
            let work = ShardWork(batch: batch, indices: indices, sequence: sequence)
            pool.send(.records(work), to: worker) { deliver($0, into: &context) }
        }
    }

    public mutating func descriptorReady(_ fd: Int32, context: inout StageContext) {
        pool?.collect { deliver($0, into: &context) }
    }

    /// Drains: every worker finishes its queue and its shard; returns when
    /// all of it is completed (bounded by what is queued: `queueDepth`
    /// batches per worker).
    public mutating func finish(context: inout StageContext) {
        guard let pool, !finished else { return }
        finished = true
        let sequence = nextSequence
        nextSequence += 1
        order.expect(sequence: sequence, parts: pool.workers)
        for worker in 0..<pool.workers {
            pool.send(.finish(sequence: sequence), to: worker) { deliver($0, into: &context) }
        }
        while pool.isBusy {
            pool.waitForReports()
            pool.collect { deliver($0, into: &context) }
        }
    }

    /// Every worker persists its shard now, on its own thread, after the
    /// records already sent to it and before any sent later (one
    /// consistent cut over all shards); returns when all have, delivering
    /// the completions that arrive meanwhile. The workers go on. Does
    /// nothing after `finish` (`persist` is next). Failures are thrown
    /// together.
    public mutating func checkpoint(context: inout StageContext) throws(StageFailure) {
        guard let pool, !finished else { return }
        var answered = 0
        var failures: [String] = []
        func handle(_ report: ShardReport, _ context: inout StageContext) {
            if case .checkpointed(let failure) = report.kind {
                answered += 1
                if let failure { failures.append("shard \(report.worker): \(failure)") }
            }
            deliver(report, into: &context)
        }
        for worker in 0..<pool.workers {
            pool.send(.checkpoint, to: worker) { handle($0, &context) }
        }
        while answered < pool.workers {
            pool.waitForReports()
            pool.collect { handle($0, &context) }
        }
        if !failures.isEmpty {
            throw StageFailure(status: .ioError, message: failures.joined(separator: "; "))
        }
    }

    /// Stops the workers; each persists its shard on its own thread. The
    /// first failure is thrown (all are in the message).
    public mutating func persist() throws {
        guard let pool else { return }
        self.pool = nil
        fullWaitsBeforeStop = pool.fullWaits
        let failures = pool.stop { _ in }
        if !failures.isEmpty {
            throw StageFailure(status: .ioError, message: failures.joined(separator: "; "))
        }
    }

    private mutating func deliver(_ report: ShardReport, into context: inout StageContext) {
        switch report.kind {
        case .records, .finished: order.add(report, into: &context)
        case .stopped, .checkpointed: break
        }
    }

    public func metrics() -> [MetricFamily] {
        let stage = (name: "stage", value: Self.name)
        return [
            MetricFamily(name: "wear_shard_workers", help: "Worker threads of the sharded stage.", kind: .gauge,
                         samples: [.init(labels: [stage], value: Double(options.workers))]),
            MetricFamily(name: "wear_shard_records_total", help: "Records routed to each shard.", kind: .counter,
                         samples: routed.enumerated().map { worker, count in
                             .init(labels: [stage, (name: "shard", value: String(worker))], value: Double(count))
                         }),
            MetricFamily(name: "wear_shard_queue_full_waits_total",
                         help: "Times the runner waited for a shard that was a full queue behind.", kind: .counter,
                         samples: [.init(labels: [stage], value: Double(pool?.fullWaits ?? fullWaitsBeforeStop))]),
        ]
    }
}
