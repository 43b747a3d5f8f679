/// A stage that may hold records and complete them later, on any thread:
/// a score shard, an HTTP post, a quiet-period timer. Run by
/// `BatchStageRunner` (the synchronous `Stage` keeps its own zero-copy
/// `StageRunner`; `SynchronousBatchStage` adapts one to this protocol).
///
/// ## The API (stable: the sharded runner builds on it)
///
/// - **`RecordBatch`** (`Sendable`, immutable): the lines framed from one
///   read block, copied once into storage the batch owns; per line an offset,
///   a length and the physical line number; `JSONParser.padding` readable
///   bytes after every line. `batch.record(at:parser:acceptsNonJSON:)` checks
///   and parses a line exactly as the synchronous runner does (`RecordLayer`);
///   a fault must be completed as a reject with `fault.reason`/`fault.detail`.
/// - **`RecordTicket`** (`Sendable`): a record's identity, `batch.ticket(at:)`;
///   `sequence` numbers records 0, 1, 2... in input order.
/// - **`Completions`** (`Sendable`): per ticket `pass`, `reject(reason,
///   detail:)`, or `emit` (zero or more owned lines, or the record with
///   members appended). Build it on any thread.
/// - **`StageContext`** (runner thread): complete now (`pass`, `reject`,
///   `emit`, `complete(_:)`), `remote` (a `RemoteCompleter`, `Sendable`:
///   `post(completions)` from any thread wakes the runner), `watch(fd)` /
///   `unwatch(fd)` for descriptors the stage wants to be woken by (an
///   eventfd, a socket), `wake(at:)` for its next deadline, `clock`/`now`,
///   `recordsInFlight`, `isDraining`.
///
/// The ledger counts a record when its completion is applied (on the runner
/// thread, in the order completions arrive): in = out + rejects + in flight
/// at every moment, and in = out + rejects at exit. A ticket completed twice
/// counts once (the second is logged as a stage bug). At end of input and on
/// SIGTERM/SIGINT the runner calls `finish`, then keeps serving descriptors,
/// deadlines and remote completions until nothing is in flight or
/// `RunnerOptions.drainTimeout` passes; what is still held then is rejected
/// as `drain_timeout`, so the ledger balances whatever the threads did. The
/// runner stops reading input while `RunnerOptions.maxRecordsInFlight` records
/// are held (memory stays bounded).
///
/// Output order is completion order. Worker threads must call
/// `SignalInbox.blockHandledSignalsInCurrentThread()` first, so that only the
/// runner thread takes SIGTERM, SIGINT and SIGHUP.
public protocol BatchStage {
    /// The binary's name, used in rejects, logs and metric labels.
    static var name: String { get }
    /// As `Stage.acceptsNonJSONLines`: pass it to `RecordBatch.record(at:...)`.
    static var acceptsNonJSONLines: Bool { get }

    /// Before the first batch: register descriptors, start workers.
    mutating func start(context: inout StageContext) throws(StageFailure)
    /// New records: complete each now through `context`, or later (through
    /// `context` in a later callback, or `context.remote` from any thread).
    mutating func process(_ batch: RecordBatch, context: inout StageContext)
    /// A watched descriptor is readable (or closed, or in error).
    mutating func descriptorReady(_ fd: Int32, context: inout StageContext)
    /// The deadline asked for with `context.wake(at:)` has passed.
    mutating func deadlinePassed(context: inout StageContext)
    /// End of input, or SIGTERM/SIGINT: complete what is held (now, or soon:
    /// the runner keeps waking the stage, bounded by `drainTimeout`).
    mutating func finish(context: inout StageContext)
    /// SIGHUP: reload config files; on error keep the old config and throw.
    mutating func reload() throws
    /// At exit (after the drain) or on closed output: persist state.
    mutating func persist() throws
    /// The stage's own metrics, besides the runner's counts.
    func metrics() -> [MetricFamily]
}

extension BatchStage {
    public static var acceptsNonJSONLines: Bool { false }
    public mutating func start(context: inout StageContext) throws(StageFailure) {}
    public mutating func descriptorReady(_ fd: Int32, context: inout StageContext) {}
    public mutating func deadlinePassed(context: inout StageContext) {}
    public mutating func finish(context: inout StageContext) {}
    public mutating func reload() throws {}
    public mutating func persist() throws {}
    public func metrics() -> [MetricFamily] { [] }
}

extension RejectReason {
    /// The stage still held the record when the drain after end of input or
    /// SIGTERM ran out of time (`RunnerOptions.drainTimeout`).
    public static let drainTimeout = RejectReason("drain_timeout")
}
