import ArgumentParser
import Foundation
import Logging
import WearCLI
import WearCore

/// A test-only stage binary for the runtime's real-process tests (signals,
/// drains): it holds every record it reads and lets go only when the run
/// ends, so a SIGTERM always finds records in flight. Not installed.
///
/// `--mode sync`: a synchronous `Stage` that emits what it holds in `finish`.
/// `--mode deferred`: a `BatchStage` whose worker thread (signals blocked)
/// completes the held records in reverse order once the drain starts,
/// `--pause-us` microseconds apart, through the remote completer.
///
/// For measuring what the batch path costs (docs/runtime.md), three stages
/// that pass every valid record: `identity` (the synchronous `StageRunner`,
/// as wear-filter runs), `identity-batch` (the same stage through
/// `SynchronousBatchStage` on the `BatchStageRunner`) and `pass-batch` (a
/// native `BatchStage` that checks each record and passes it at once).
@main
struct WearRuntimeProbeCommand: ParsableCommand {
    static func main() { wearMain() }

    static let configuration = CommandConfiguration(
        commandName: "wear-runtime-probe",
        abstract: "Test stage: holds every record until the run ends (runtime tests only).",
        discussion: StageHelp.discussion("For the runtime's own tests.", examples: ["wear-runtime-probe --mode deferred < records.ndjson"]),
        version: WearVersion.current
    )

    enum Mode: String, ExpressibleByArgument {
        case sync, deferred
        case identity, identityBatch = "identity-batch", passBatch = "pass-batch"
    }

    @Option(help: "sync or deferred.") var mode: Mode = .deferred
    @Option(help: "Microseconds between the worker's completions while draining.") var pauseUs = 200
    @OptionGroup var common: CommonOptions

    func run() throws {
        switch mode {
        case .sync: StageMain.run(common) { _ in HoldingSyncStage() }
        case .deferred: StageMain.run(common) { logger in HoldingDeferredStage(logger: logger, pause: pauseUs) }
        case .identity: StageMain.run(common) { _ in ProbeIdentityStage() }
        case .identityBatch: StageMain.run(common) { _ in SynchronousBatchStage(ProbeIdentityStage(), maxLineBytes: common.maxLineBytes.bytes) }
        case .passBatch: StageMain.run(common) { _ in PassingBatchStage(maxLineBytes: common.maxLineBytes.bytes) }
        }
    }
}

/// IdentityStage under the probe's name.
struct ProbeIdentityStage: Stage {
    static var name: String { "wear-runtime-probe" }
    mutating func process(_ record: Record, into output: inout StageOutput) -> Verdict { .pass }
}

/// Checks every record of a batch and passes it at once.
struct PassingBatchStage: BatchStage {
    static var name: String { "wear-runtime-probe" }
    let parser: JSONParser

    init(maxLineBytes: Int) { parser = JSONParser(capacity: maxLineBytes + 1) }

    mutating func process(_ batch: RecordBatch, context: inout StageContext) {
        for index in 0..<batch.count {
            switch batch.record(at: index, parser: parser) {
            case .success: context.pass(batch.ticket(at: index))
            case .failure(let fault): context.reject(batch.ticket(at: index), fault.reason, detail: fault.detail)
            }
        }
    }
}

/// Counts every record out at once but writes it only in `finish`.
struct HoldingSyncStage: Stage {
    static var name: String { "wear-runtime-probe" }
    var held: [[UInt8]] = []

    mutating func process(_ record: Record, into output: inout StageOutput) -> Verdict {
        held.append(Array(record.bytes))
        return .emitted
    }

    mutating func finish(into output: inout StageOutput) {
        for line in held { output.emit(line) }
        held.removeAll()
    }
}

/// Hands batches to a worker that completes them only when the drain starts.
struct HoldingDeferredStage: BatchStage {
    static var name: String { "wear-runtime-probe" }
    let worker: HoldingWorker

    init(logger: Logger, pause: Int) {
        worker = HoldingWorker(logger: logger, pauseMicroseconds: pause)
    }

    mutating func start(context: inout StageContext) throws(StageFailure) { worker.start(remote: context.remote) }
    mutating func process(_ batch: RecordBatch, context: inout StageContext) { worker.hold(batch) }
    mutating func finish(context: inout StageContext) { worker.release() }
}

final class HoldingWorker: @unchecked Sendable {
    private let condition = NSCondition()
    private var batches: [RecordBatch] = []
    private var released = false
    private let logger: Logger
    private let pauseMicroseconds: Int

    init(logger: Logger, pauseMicroseconds: Int) {
        self.logger = logger
        self.pauseMicroseconds = pauseMicroseconds
    }

    func hold(_ batch: RecordBatch) { condition.withLock { batches.append(batch) } }

    func release() {
        condition.withLock {
            released = true
            condition.signal()
        }
    }

    func start(remote: RemoteCompleter) {
        Thread.detachNewThread { [self] in
            SignalInbox.blockHandledSignalsInCurrentThread()
            logger.notice("worker: SIGTERM, SIGINT, SIGHUP blocked: \(SignalInbox.handledSignalsBlockedInCurrentThread)")
            condition.lock()
            while !released { condition.wait() }
            let held = batches
            condition.unlock()
            let parser = JSONParser(capacity: 1 << 20)
            for batch in held.reversed() {
                var completions = Completions()
                for index in (0..<batch.count).reversed() {
                    let ticket = batch.ticket(at: index)
                    switch batch.record(at: index, parser: parser) {
                    case .failure(let fault): completions.reject(ticket, fault.reason, detail: fault.detail)
                    case .success(let record):
                        completions.emit(ticket, appendingTo: record.bytes) { $0.field("drained", true) }
                    }
                    if pauseMicroseconds > 0 { usleep(UInt32(pauseMicroseconds)) }
                }
                remote.post(completions)
            }
        }
    }
}
