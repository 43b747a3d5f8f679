/// The loop one worker thread runs: its own parser and shard (created on
/// the thread, so the shard's state is allocated and first touched on the
/// worker's NUMA node), commands in, completions out.
///
/// Records are checked by the record layer here, on the worker (valid JSON,
/// an object, no duplicate names): a bad line is a reject like under the
/// synchronous runner, with the same reason and detail.
struct ShardWorker<Shard: Stage> {
    let index: Int
    let channel: ShardChannel
    private var shard: Shard
    private let parser: JSONParser
    private var capture = CapturedStageOutput()

    init(index: Int, channel: ShardChannel, maxLineBytes: Int, shard: Shard) {
        self.index = index
        self.channel = channel
        self.shard = shard
        self.parser = JSONParser(capacity: maxLineBytes + 1)
    }

    /// Serves commands until `.stop`.
    mutating func run() {
        while true {
            guard let command = channel.inbox.pop() else {
                channel.bell.wait()
                continue
            }
            let report: ShardReport
            switch command {
            case .records(let work):
                report = ShardReport(kind: .records, worker: index, sequence: work.sequence, completions: process(work))
            case .finish(let sequence):
                report = ShardReport(kind: .finished, worker: index, sequence: sequence, completions: finish())
            case .checkpoint:
                report = ShardReport(kind: .checkpointed(persistError: persist()), worker: index, sequence: -1,
                                     completions: Completions())
            case .stop:
                send(ShardReport(kind: .stopped(persistError: persist()), worker: index, sequence: -1, completions: Completions()))
                return
            }
            send(report)
        }
    }

    /// Persists the shard; why that failed, or nil.
    private mutating func persist() -> String? {
        do { try shard.persist() } catch { return "\(error)" }
        return nil
    }

    private func send(_ report: ShardReport) {
        // The runner keeps at most `depth` commands in flight per worker and
        // the outbox has depth + 1 slots: a push cannot fail.
        let sent = channel.outbox.push(report)
        precondition(sent, "shard \(index): report queue full (the runner's in-flight bound was broken)")
        channel.results.signal()
    }

    private mutating func process(_ work: ShardWork) -> Completions {
        let batch = work.batch
        // This part's share of the batch's bytes, and room for a few added members a record.
        let share = batch.count > 0 ? batch.byteCount / batch.count * work.indices.count : 0
        var completions = Completions(reservingRecords: work.indices.count, bytes: share + 64 * work.indices.count)
        for index in work.indices {
            let index = Int(index)
            let ticket = batch.ticket(at: index)
            switch batch.record(at: index, parser: parser, acceptsNonJSON: Shard.acceptsNonJSONLines) {
            case .failure(let fault):
                completions.reject(ticket, fault.reason, detail: fault.detail)
            case .success(let record):
                let verdict = shard.process(record, into: &capture.output)
                capture.complete(ticket, verdict, into: &completions)
            }
        }
        return completions
    }

    private mutating func finish() -> Completions {
        var completions = Completions()
        shard.finish(into: &capture.output)
        capture.completeWithoutRecord(into: &completions)
        return completions
    }
}
