/// A synchronous stage's output collected per record and turned into that
/// record's completion: what `SynchronousBatchStage` and a shard worker
/// both do after `Stage.process`.
///
/// Not generic on purpose: the same code as a method of the generic
/// `ShardWorker<Shard>` instantiated the worker's type metadata on every
/// record (its `defer`) and retained the capture buffer for a closure,
/// ~3 % of wear-score's time under perf (2026-12-06).
struct CapturedStageOutput {
    private let captured = CapturedLines()
    /// What the stage writes to.
    var output: StageOutput

    init() {
        output = StageOutput(capturingInto: captured)
    }

    /// Completes `ticket` with `verdict` and the lines the stage emitted for it.
    mutating func complete(_ ticket: RecordTicket, _ verdict: Verdict, into completions: inout Completions) {
        if output.appendedToNonObject {
            output.appendedToNonObject = false
            completions.notAnObject(ticket)
        } else {
            switch verdict {
            case .pass:
                completions.pass(ticket)
            case .emitted:
                completions.emit(ticket, lines: captured)
            case .reject(let reason, let detail):
                completions.reject(ticket, reason, detail: detail)
            }
        }
        captured.removeAll()
    }

    /// The lines emitted outside any record (a stage's `finish`), as extra output.
    mutating func completeWithoutRecord(into completions: inout Completions) {
        completions.emitWithoutRecord(lines: captured)
        captured.removeAll()
    }
}
