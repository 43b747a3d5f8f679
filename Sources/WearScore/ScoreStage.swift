import WearCore

/// The wear-score stage: `ScoreShard`s behind WearCore's sharded runner
/// (one per worker, devices routed by a keyed hash of `--key`), plus the
/// shards' metrics summed.
public struct ScoreStage: BatchStage {
    public static var name: String { ScoreShard.name }

    private var sharded: ShardedStage<ScoreShard>
    private let tallies: [ScoreTally]

    /// Checks that a shard can be built (the feature expressions compile)
    /// before any thread starts.
    public init(configuration: ScoreConfiguration, sharding: ShardingOptions) throws(FeatureError) {
        let workers = max(1, sharding.workers)
        let perShard = (configuration.maxDevices + workers - 1) / workers
        let tallies = (0..<workers).map { _ in ScoreTally() }
        _ = try ScoreShard(configuration: configuration, maxDevices: 1)
        self.tallies = tallies
        sharded = ShardedStage(options: sharding) { shard in
            // Each worker compiles its own program (not thread-safe; its state is
            // first touched on the worker's node). The same expressions compiled
            // above, so no input reaches this failure.
            do {
                return try ScoreShard(configuration: configuration, maxDevices: perShard, tally: tallies[shard])
            } catch {
                preconditionFailure("wear-score: checked features did not compile on shard \(shard): \(error)")
            }
        }
    }

    public mutating func start(context: inout StageContext) throws(StageFailure) { try sharded.start(context: &context) }
    public mutating func process(_ batch: RecordBatch, context: inout StageContext) { sharded.process(batch, context: &context) }
    public mutating func descriptorReady(_ fd: Int32, context: inout StageContext) { sharded.descriptorReady(fd, context: &context) }
    public mutating func deadlinePassed(context: inout StageContext) { sharded.deadlinePassed(context: &context) }
    public mutating func finish(context: inout StageContext) { sharded.finish(context: &context) }
    public mutating func reload() throws { try sharded.reload() }
    public mutating func persist() throws { try sharded.persist() }
    public func metrics() -> [MetricFamily] { sharded.metrics() + ScoreTally.metrics(tallies) }
}
