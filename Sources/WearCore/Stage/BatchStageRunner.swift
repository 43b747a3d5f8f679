import Glibc
import Logging

/// The I/O shell around a `BatchStage`: an event loop that waits (poll(2))
/// on the input, the signal self-pipe, the stage's registered descriptors
/// and the remote completer's eventfd, with a timeout from the nearest
/// deadline (the stage's, the metrics interval, the drain bound) on a
/// `StageClock`. It frames input into owned `RecordBatch`es, hands them to
/// the stage, applies completions (writes, rejects, ledger), and drains on
/// end of input and on SIGTERM/SIGINT: `finish`, wait (bounded) for what is
/// in flight, flush, persist, exit 0. See `BatchStage` for the contract.
///
/// The flush policy is the synchronous runner's: output is written when
/// 64 KiB are buffered and whenever the runner is about to wait.
public struct BatchStageRunner<S: BatchStage> {
    public internal(set) var stage: S
    public internal(set) var ledger = Ledger()
    let options: RunnerOptions
    let logger: Logger
    let clock: any StageClock
    let framer: LineFramer
    let writer: FileDescriptorWriter
    var rejects: RejectsSink?
    var context: StageContext
    var inFlight = InFlightRecords()
    var builder = RecordBatch.Builder()
    var nextSequence: UInt64 = 0
    let startTime = Glibc.time(nil)
    var metricsDeadline: Instant?
    let metrics: MetricsPublisher
    /// Set once input has ended or a termination signal arrived.
    var drainDeadline: Instant?
    var inputEnded = false
    /// Completions for tickets that were not in flight (a stage bug), counted, logged once.
    var strayCompletions = 0

    /// A runner reading `options.input`; `clock` decides deadlines (tests
    /// pass a manual clock and drive the runner step by step, see WearTesting).
    public init(stage: S, options: RunnerOptions, logger: Logger, clock: any StageClock = SystemClock()) throws(StageFailure) {
        self.stage = stage
        self.options = options
        self.logger = logger
        self.clock = clock
        self.framer = LineFramer(maxLineBytes: options.maxLineBytes)
        self.writer = FileDescriptorWriter(fd: options.outputFD, atomicLines: options.atomicLines)
        self.context = StageContext(clock: clock, remote: try RemoteCompleter())
        self.metrics = MetricsPublisher(path: options.metricsPath)
    }

    /// Records read and not yet completed.
    public var recordsInFlight: Int { inFlight.count }

    /// Runs until end of input or SIGTERM/SIGINT (both drain), or closed
    /// output; logs the summary line and returns the exit status.
    public mutating func run() -> ExitStatus {
        var started = false
        let status: ExitStatus
        do {
            let signalFD = SignalInbox.install()
            let input = try InputReader(source: options.input, signalFD: signalFD)
            try start()
            started = true
            PipeCapacity.raise(options.outputFD, to: StageRunner<IdentityStage>.pipeBytes)
            try loop(input: input, poller: Poller(inputFD: input.fd, signalFD: signalFD))
            status = .ok
        } catch {
            if !error.quiet { logger.error("\(error.message)") }
            status = error.status
        }
        // A start-up failure read nothing: no summary line to report.
        if started { shutDown() }
        return status
    }

    private mutating func loop(input: InputReader, poller: Poller) throws(StageFailure) {
        while true {
            let signals = SignalInbox.take()
            if signals.contains(.reload) { reload() }
            if signals.contains(.terminate), drainDeadline == nil {
                noteUnfinishedLine()
                beginDrain()
            }
            if try drainIsOver() { return }
            let wantsInput = !inputEnded && drainDeadline == nil && inFlight.count < options.maxRecordsInFlight
            poller.setWatched([context.remote.descriptor] + context.watched)
            var ready = try poller.wait(includeInput: wantsInput && !input.neverBlocks, timeoutMilliseconds: 0)
            if ready.isEmpty && !(wantsInput && input.neverBlocks) {
                try flush()
                ready = try poller.wait(includeInput: wantsInput, timeoutMilliseconds: waitMilliseconds())
            }
            try serve(ready.watched)
            if wantsInput && (ready.input || input.neverBlocks) {
                switch try input.readNow(into: framer.writableSpace()) {
                case .data(let count): try ingest(count)
                case .endOfInput: try endInput()
                case .interrupted, .wouldBlock: break
                }
            }
            try fireDeadlines()
        }
    }

    /// How long the loop may sleep: until the nearest deadline.
    private func waitMilliseconds() -> Int32 {
        let deadlines = [context.deadline, metricsDeadline, drainDeadline].compactMap { $0 }
        guard let nearest = deadlines.min() else { return -1 }
        return clock.now.duration(to: nearest).pollMilliseconds
    }
}
