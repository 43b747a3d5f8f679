import Glibc
import Logging
import WearCore

/// `--state FILE`, `--state-interval`, `--state-reset`.
public struct ScoreStateOptions: Sendable {
    public var path: String
    /// How often the state is saved while running (also at exit and on SIGTERM).
    public var interval: Duration
    /// Ignore what the file holds (it is overwritten at the first save).
    public var reset: Bool

    public init(path: String, interval: Duration = .seconds(60), reset: Bool = false) {
        self.path = path
        self.interval = interval
        self.reset = reset
    }
}

/// The wear-score stage: `ScoreShard`s behind WearCore's sharded runner
/// (one per worker, devices routed by a keyed hash of `--key`), the shards'
/// metrics summed, and `--state`: restored before the workers start (each
/// device placed in the shard this run routes it to), saved on the runner
/// thread after every shard has handed over its devices — every
/// `--state-interval` (a consistent cut: each shard saves after the same
/// input) and at exit, after the drain.
public struct ScoreStage: BatchStage {
    public static var name: String { ScoreShard.name }

    private var sharded: ShardedStage<ScoreShard>
    private let tallies: [ScoreTally]
    private let configuration: ScoreConfiguration
    private let state: (options: ScoreStateOptions, exchange: ScoreStateExchange)?
    private let logger: Logger
    private var saves = 0, saveFailures = 0
    /// Wall time of the last successful save, seconds since the epoch (0: none yet this run).
    private var lastSaveTime = 0
    private var restoredDevices = 0

    /// Checks that a shard can be built (the feature expressions compile)
    /// and reads the state file, before any thread starts.
    public init(configuration: ScoreConfiguration, sharding: ShardingOptions, state stateOptions: ScoreStateOptions? = nil,
                logger: Logger = Logger(label: "wear-score")) throws {
        let workers = max(1, sharding.workers)
        let perShard = (configuration.maxDevices + workers - 1) / workers
        let tallies = (0..<workers).map { _ in ScoreTally() }
        _ = try ScoreShard(configuration: configuration, maxDevices: 1)
        self.tallies = tallies
        self.configuration = configuration
        self.logger = logger
        if let stateOptions {
            let restored = try Self.restore(stateOptions, configuration: configuration, sharding: sharding, logger: logger)
            restoredDevices = restored.reduce(0) { $0 + $1.count }
            state = (stateOptions, ScoreStateExchange(restored: restored, shards: workers))
        } else {
            state = nil
        }
        let exchange = state?.exchange
        sharded = ShardedStage(options: sharding) { [exchange] shard in
            // Each worker compiles its own program (not thread-safe; its state is
            // first touched on the worker's node). The same expressions compiled
            // above, so no input reaches this failure.
            do {
                return try ScoreShard(configuration: configuration, maxDevices: perShard, tally: tallies[shard],
                                      exchange: exchange.map { ($0, shard: shard) })
            } catch {
                preconditionFailure("wear-score: checked features did not compile on shard \(shard): \(error)")
            }
        }
    }

    /// The devices of `options.path` per shard (none for a first run or
    /// with `reset`); a state file that cannot be used is 78, a directory
    /// the state cannot be written to 74 — both before any record is read.
    private static func restore(_ options: ScoreStateOptions, configuration: ScoreConfiguration, sharding: ShardingOptions,
                                logger: Logger) throws(StageFailure) -> [RestoredPart] {
        try DurableFile(path: options.path, mode: DurableFile.privateMode).checkWritable()
        if options.reset {
            logger.notice("--state-reset: starting without saved state; \(options.path) is replaced at the first save")
            return []
        }
        guard let file = try StateFile.read(options.path) else {
            logger.info("no state file at \(options.path) yet: starting fresh")
            return []
        }
        do throws(StateFileError) {
            let restored = try ScoreState.restore(file, configuration: configuration, shards: max(1, sharding.workers)) {
                sharding.shard(forKey: $0)
            }
            logger.info("restored \(restored.reduce(0) { $0 + $1.count }) devices from \(options.path)")
            return restored
        } catch {
            throw error.failure(path: options.path)
        }
    }

    public mutating func start(context: inout StageContext) throws(StageFailure) {
        try sharded.start(context: &context)
        if let state { context.wake(at: context.now + state.options.interval) }
    }

    public mutating func process(_ batch: RecordBatch, context: inout StageContext) { sharded.process(batch, context: &context) }
    public mutating func descriptorReady(_ fd: Int32, context: inout StageContext) { sharded.descriptorReady(fd, context: &context) }
    public mutating func finish(context: inout StageContext) { sharded.finish(context: &context) }
    public mutating func reload() throws { try sharded.reload() }

    /// `--state-interval`: every shard hands over its devices, then the
    /// file is replaced. A failure is logged and counted; the run goes on
    /// and the next interval tries again.
    public mutating func deadlinePassed(context: inout StageContext) {
        sharded.deadlinePassed(context: &context)
        guard let state, !context.isDraining else { return }
        do {
            let start = ContinuousClock.now
            try sharded.checkpoint(context: &context)
            try save(since: start)
        } catch {
            saveFailures += 1
            logger.error("saving state failed: \(error)")
        }
        context.wake(at: context.now + state.options.interval)
    }

    /// Stops the workers (each hands over its devices) and saves the state.
    public mutating func persist() throws {
        let start = ContinuousClock.now
        try sharded.persist()
        guard state != nil else { return }
        do {
            try save(since: start)
        } catch {
            saveFailures += 1
            throw error
        }
    }

    /// Writes what every shard handed over as the state file (atomic, 0600).
    private mutating func save(since start: ContinuousClock.Instant) throws(StageFailure) {
        guard let state else { return }
        guard let handed = state.exchange.takeSaves() else {
            throw StageFailure(status: .software, message: "a shard did not hand over its devices; \(state.options.path) is unchanged")
        }
        let chunks = ScoreState.chunks(configuration: configuration, saves: handed)
        try DurableFile(path: state.options.path, mode: DurableFile.privateMode).write(chunks: chunks)
        saves += 1
        lastSaveTime = Glibc.time(nil)
        let milliseconds = (ContinuousClock.now - start) / .milliseconds(1)
        logger.info("saved \(handed.reduce(0) { $0 + $1.devices }) devices to \(state.options.path) in \(Int(milliseconds)) ms")
    }

    public func metrics() -> [MetricFamily] {
        var families = sharded.metrics() + ScoreTally.metrics(tallies)
        if let state {
            let stage = [(name: "stage", value: Self.name)]
            func family(_ name: String, _ help: String, _ kind: MetricFamily.Kind, _ value: Double) -> MetricFamily {
                MetricFamily(name: name, help: help, kind: kind, samples: [.init(labels: stage, value: value)])
            }
            let interval = state.options.interval.components
            families += [
                family("wear_score_state_saves_total", "State files written (--state).", .counter, Double(saves)),
                family("wear_score_state_save_failures_total", "State saves that failed (each is logged).", .counter, Double(saveFailures)),
                family("wear_score_state_restored_devices", "Devices restored from --state at start.", .gauge, Double(restoredDevices)),
                family("wear_score_state_last_save_time_seconds",
                       "When the state file was last written, in seconds since the epoch (0: not yet this run).", .gauge, Double(lastSaveTime)),
                family("wear_score_state_interval_seconds", "How often the state is saved while running (--state-interval).",
                       .gauge, Double(interval.seconds) + Double(interval.attoseconds) / 1e18),
            ]
        }
        return families
    }
}
