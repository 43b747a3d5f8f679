/// A synchronous `Stage` run as a `BatchStage`: each record of a batch is
/// checked, processed and completed at once, its emitted lines collected and
/// written when the verdict is applied. Output, rejects and ledger are the
/// same as under `StageRunner` (a test runs the runner's cases both ways).
///
/// For running a synchronous stage where the runtime deals in batches (on a
/// worker's shard, or behind the batch runner). The binaries keep running
/// synchronous stages with `StageRunner`, which reads each line straight from
/// the framer's buffer: no copy, no per-record completion entry (see
/// docs/runtime.md for what the copy costs).
public struct SynchronousBatchStage<Wrapped: Stage>: BatchStage {
    public static var name: String { Wrapped.name }
    public static var acceptsNonJSONLines: Bool { Wrapped.acceptsNonJSONLines }

    public private(set) var wrapped: Wrapped
    private let parser: JSONParser
    private var capture = CapturedStageOutput()

    /// `maxLineBytes`: the runner's `--max-line-bytes` (the parser's capacity).
    public init(_ wrapped: Wrapped, maxLineBytes: Int = 1 << 20) {
        self.wrapped = wrapped
        self.parser = JSONParser(capacity: maxLineBytes + 1)
    }

    public mutating func process(_ batch: RecordBatch, context: inout StageContext) {
        for index in 0..<batch.count {
            let ticket = batch.ticket(at: index)
            switch batch.record(at: index, parser: parser, acceptsNonJSON: Self.acceptsNonJSONLines) {
            case .failure(let fault):
                context.reject(ticket, fault.reason, detail: fault.detail)
            case .success(let record):
                let verdict = wrapped.process(record, into: &capture.output)
                capture.complete(ticket, verdict, into: &context.completions)
            }
        }
    }

    /// The wrapped stage's `finish` emits lines that belong to no record: a
    /// synchronous stage's end-of-input output (a summary, a flush of held
    /// state) has no ticket, so it is written as extra output.
    public mutating func finish(context: inout StageContext) {
        wrapped.finish(into: &capture.output)
        capture.completeWithoutRecord(into: &context.completions)
    }

    public mutating func reload() throws { try wrapped.reload() }
    public mutating func persist() throws { try wrapped.persist() }
    public func metrics() -> [MetricFamily] { wrapped.metrics() }
}
