import Glibc
import Logging

/// The I/O shell around a `Stage`: reads lines in large blocks, validates
/// each with simdjson, hands records to the stage, writes what it emits,
/// records rejects, keeps the ledger, exports metrics, handles signals, and
/// decides the exit status.
///
/// Flush policy: output is written when 64 KiB are buffered and whenever
/// the runner is about to wait for input, so a lone record reaches the next
/// stage at once while heavy traffic moves in big batches.
public struct StageRunner<S: Stage> {
    public private(set) var stage: S
    public private(set) var ledger = Ledger()
    private let options: RunnerOptions
    private let logger: Logger
    private let parser: JSONParser
    private let framer: LineFramer
    private let startTime = Glibc.time(nil)
    private var rejects: RejectsSink?
    private let writer: FileDescriptorWriter
    private var output: StageOutput
    private var metricsDeadline: ContinuousClock.Instant?
    private let metrics: MetricsPublisher

    public init(stage: S, options: RunnerOptions, logger: Logger) {
        self.stage = stage
        self.options = options
        self.logger = logger
        self.parser = JSONParser(capacity: options.maxLineBytes + 1)
        self.framer = LineFramer(maxLineBytes: options.maxLineBytes)
        self.writer = FileDescriptorWriter(fd: options.outputFD, atomicLines: options.atomicLines)
        self.output = StageOutput(writer: writer)
        self.metrics = MetricsPublisher(path: options.metricsPath)
    }

    /// Runs until end of input, SIGTERM/SIGINT, or closed output; logs the
    /// summary line and returns the exit status. Never exits the process.
    public mutating func run() -> ExitStatus {
        var started = false
        let status: ExitStatus
        do {
            let input = try start()
            started = true
            try runLoop(input)
            status = .ok
        } catch {
            if !error.quiet {
                logger.error("\(error.message)")
            }
            status = error.status
        }
        // A start-up failure (missing input, unwritable rejects or metrics
        // file) read nothing: no summary line, no persist.
        if started { shutDown() }
        return status
    }

    private mutating func start() throws(StageFailure) -> InputReader {
        let signalFD = SignalInbox.install()
        let input = try InputReader(source: options.input, signalFD: signalFD)
        rejects = try RejectsSink(path: options.rejectsPath, logger: logger)
        PipeCapacity.raise(options.outputFD, to: Self.pipeBytes)
        if options.metricsPath != nil {
            metricsDeadline = .now + options.metricsInterval
            try metrics.publishAtStart(allMetrics())
        }
        return input
    }

    private mutating func runLoop(_ input: InputReader) throws(StageFailure) {
        while true {
            let signals = SignalInbox.take()
            if signals.contains(.reload) {
                reload()
            }
            if signals.contains(.terminate) {
                // Every complete line read so far has been processed; the
                // stage emits what it holds, as at end of input.
                noteUnfinishedLine()
                try finishStage()
                return
            }
            let space = framer.writableSpace()
            let (writer, rejects) = (self.writer, self.rejects)
            let outcome = try input.read(into: space, deadline: metricsDeadline) { () throws(StageFailure) in
                do throws(WriteFailure) { try writer.flush() } catch { throw StageFailure.output(error) }
                try rejects?.flush()
            }
            switch outcome {
            case .data(let count):
                framer.didRead(count)
                while let event = framer.next() {
                    try handle(event)
                }
            case .endOfInput:
                while let event = framer.finish() {
                    try handle(event)
                }
                try finishStage()
                return
            case .interrupted, .timedOut:
                break
            }
            if let deadline = metricsDeadline, case let now = ContinuousClock.now, now >= deadline {
                // After a stall (a stopped process), skip the missed intervals.
                let next = deadline + options.metricsInterval
                metricsDeadline = next > now ? next : now + options.metricsInterval
                try flush()
                metrics.publishDuringRun(allMetrics(), logger: logger)
            }
        }
    }

    /// End of input or SIGTERM/SIGINT: the stage's `finish`, then flush.
    private mutating func finishStage() throws(StageFailure) {
        stage.finish(into: &output)
        try checkOutput()
        try flush()
    }

    /// 256 KiB pipes let stages run ahead of each other instead of in lock-step.
    static var pipeBytes: Int { 256 * 1024 }

    @inline(__always)
    private mutating func handle(_ event: LineEvent) throws(StageFailure) {
        switch event {
        case .line(let line):
            ledger.countIn(bytes: line.bytes.count)
            try process(line)
        case .oversized(let number, let prefix):
            ledger.countIn(bytes: prefix.count)
            try reject(.lineTooLong, detail: "line longer than --max-line-bytes (\(options.maxLineBytes) bytes)",
                       line: number, input: prefix)
        }
    }

    @inline(__always)
    private mutating func process(_ line: Line) throws(StageFailure) {
        let record: Record
        switch RecordLayer.record(from: line, parser: parser, acceptsNonJSON: S.acceptsNonJSONLines) {
        case .success(let accepted): record = accepted
        case .failure(let fault): return try reject(fault.reason, detail: fault.detail, line: line)
        }
        // A record the stage emitted counts as out even when its write fails
        // (the reader went away): the ledger balances on every exit path.
        switch stage.process(record, into: &output) {
        case .pass:
            if output.appendedToNonObject {
                try rejectNonObjectAppend(line)
            } else if options.atomicLines, line.bytes.count + 1 > FileDescriptorWriter.atomicLimit {
                try refuseLongLine(line)
            } else {
                ledger.countOut()
                do { try writer.appendLine(line.bytes) } catch { throw StageFailure.output(error) }
            }
        case .emitted:
            if output.appendedToNonObject {
                try rejectNonObjectAppend(line)
            } else if output.refusedLongLine {
                output.refusedLongLine = false
                try refuseLongLine(line)
            } else {
                ledger.countOut()
            }
        case .reject(let reason, let detail):
            try reject(reason, detail: detail, line: line)
        }
        try checkOutput()
    }

    private mutating func refuseLongLine(_ line: Line) throws(StageFailure) {
        try reject(.lineTooLongForAtomicWrite,
                   detail: "output line longer than \(FileDescriptorWriter.atomicLimit) bytes with --atomic-lines",
                   line: line)
    }

    /// The stage tried to append members to a line that is not an object
    /// (`StageOutput.emit(appendingTo:)` returned false): a reject, not a trap.
    private mutating func rejectNonObjectAppend(_ line: Line) throws(StageFailure) {
        output.appendedToNonObject = false
        output.refusedLongLine = false
        try reject(.notObject, detail: "the stage appended members to a line that is not a JSON object", line: line)
    }

    private mutating func checkOutput() throws(StageFailure) {
        if let failure = output.failure {
            throw StageFailure.output(failure)
        }
    }

    private mutating func reject(_ reason: RejectReason, detail: String, line: Line) throws(StageFailure) {
        try reject(reason, detail: detail, line: line.number, input: line.bytes)
    }

    private mutating func reject(_ reason: RejectReason, detail: String, line: Int,
                                 input: some Collection<UInt8>) throws(StageFailure) {
        ledger.countReject(reason)
        try rejects?.record(Reject(stage: S.name, reason: reason, line: line, detail: detail, input: input))
    }

    private mutating func reload() {
        do {
            try stage.reload()
            logger.notice("reloaded configuration (SIGHUP)")
        } catch {
            logger.error("reload failed, keeping the previous configuration: \(error)")
        }
    }

    private func noteUnfinishedLine() {
        let pending = framer.bufferedBytes
        if pending > 0 {
            logger.warning("stopping with \(pending) bytes of an unfinished line not processed")
        }
    }

    private mutating func flush() throws(StageFailure) {
        do throws(WriteFailure) { try writer.flush() } catch { throw StageFailure.output(error) }
        try rejects?.flush()
    }

    private mutating func shutDown() {
        // Closed output: the flush fails again, quietly; state is still persisted.
        try? flush()
        RunEnd.persist({ try stage.persist() }, logger: logger)
        RunEnd.report(metrics: metrics, families: allMetrics(), rejects: rejects, ledger: ledger, logger: logger)
    }

    private func allMetrics() -> [MetricFamily] {
        runnerMetrics() + stage.metrics()
    }

    /// The counts every stage exports.
    func runnerMetrics() -> [MetricFamily] {
        RunnerMetrics.families(stage: S.name, version: options.version, startTime: startTime, ledger: ledger,
                               bytesWritten: writer.bytesWritten, blankLines: framer.blankLines)
    }
}
