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
@main
struct WearRuntimeProbeCommand: ParsableCommand {
    static func main() { wearMain() }

    static let configuration = CommandConfiguration(
        commandName: "wear-runtime-probe",
        abstract: "Test stage: holds every record until the run ends (runtime tests only).",
        discussion: StageHelp.discussion("For the runtime's own tests.", examples: ["wear-runtime-probe --mode deferred < records.ndjson"]),
        version: WearVersion.current
    )

    enum Mode: String, ExpressibleByArgument { case sync, deferred }

    @Option(help: "sync or deferred.") var mode: Mode = .deferred
    @Option(help: "Microseconds between the worker's completions while draining.") var pauseUs = 200
    @OptionGroup var common: CommonOptions

    func run() throws {
        switch mode {
        case .sync: StageMain.run(common) { _ in HoldingSyncStage() }
        case .deferred: StageMain.run(common) { logger in HoldingDeferredStage(logger: logger, pause: pauseUs) }
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
