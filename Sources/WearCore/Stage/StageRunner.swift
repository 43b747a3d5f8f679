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
    /// Set when writing the metrics file failed: reported once, not retried at exit.
    private var metricsFailed = false

    public init(stage: S, options: RunnerOptions, logger: Logger) {
        self.stage = stage
        self.options = options
        self.logger = logger
        self.parser = JSONParser(capacity: options.maxLineBytes + 1)
        self.framer = LineFramer(maxLineBytes: options.maxLineBytes)
        self.writer = FileDescriptorWriter(fd: options.outputFD, atomicLines: options.atomicLines)
        self.output = StageOutput(writer: writer)
    }

    /// Runs until end of input, SIGTERM/SIGINT, or closed output; logs the
    /// summary line and returns the exit status. Never exits the process.
    public mutating func run() -> ExitStatus {
        let status: ExitStatus
        do {
            try runLoop()
            status = .ok
        } catch {
            if !error.quiet {
                logger.error("\(error.message)")
            }
            status = error.status
        }
        shutDown()
        return status
    }

    private mutating func runLoop() throws(StageFailure) {
        let signalFD = SignalInbox.install()
        let input = try InputReader(source: options.input, signalFD: signalFD)
        rejects = try RejectsSink(path: options.rejectsPath, logger: logger)
        PipeCapacity.raise(options.outputFD, to: Self.pipeBytes)
        if options.metricsPath != nil {
            metricsDeadline = .now + options.metricsInterval
            // A metrics path that cannot be written is a setup error: fail at once.
            do { try writeMetrics() } catch {
                metricsFailed = true
                throw error
            }
        }
        while true {
            let signals = SignalInbox.take()
            if signals.contains(.reload) {
                reload()
            }
            if signals.contains(.terminate) {
                noteUnfinishedLine()
                try flush()
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
                stage.finish(into: &output)
                try checkOutput()
                try flush()
                return
            case .interrupted, .timedOut:
                break
            }
            if let deadline = metricsDeadline, case let now = ContinuousClock.now, now >= deadline {
                // After a stall (a stopped process), skip the missed intervals.
                let next = deadline + options.metricsInterval
                metricsDeadline = next > now ? next : now + options.metricsInterval
                try flush()
                writeMetricsDuringRun()
            }
        }
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
            if options.atomicLines, line.bytes.count + 1 > FileDescriptorWriter.atomicLimit {
                try refuseLongLine(line)
            } else {
                ledger.countOut()
                do { try writer.appendLine(line.bytes) } catch { throw StageFailure.output(error) }
            }
        case .emitted:
            if output.refusedLongLine {
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
        do {
            try stage.persist()
        } catch {
            logger.error("persisting state failed: \(error)")
        }
        if options.metricsPath != nil, !metricsFailed {
            do { try writeMetrics() } catch { logger.error("\(error.message)") }
        }
        if let suppressed = rejects?.suppressedWarnings, suppressed > 0 {
            logger.notice("\(suppressed) reject warnings were rate-limited; --rejects FILE keeps every one")
        }
        logger.info("\(ledger.summary)")
    }

    /// Metrics are not the data path: once running, a failed write (disk
    /// full, directory removed) is logged once and retried at the next
    /// interval, and the stage goes on.
    private mutating func writeMetricsDuringRun() {
        do {
            try writeMetrics()
            metricsFailed = false
        } catch {
            if !metricsFailed { logger.error("\(error.message); retrying every --metrics-interval") }
            metricsFailed = true
        }
    }

    private func writeMetrics() throws(StageFailure) {
        guard let path = options.metricsPath else { return }
        try MetricsFile(path: path).write(runnerMetrics() + stage.metrics())
    }

    /// The counts every stage exports.
    func runnerMetrics() -> [MetricFamily] {
        let stageLabel = [(name: "stage", value: S.name)]
        let rejected = ledger.rejectsByReason.sorted { $0.key < $1.key }.map { reason, count in
            MetricFamily.Sample(labels: stageLabel + [(name: "reason", value: reason.code)], value: Double(count))
        }
        return [
            MetricFamily(name: "wear_stage_info", help: "Stage binary and version (always 1).", kind: .gauge,
                         samples: [.init(labels: stageLabel + [(name: "version", value: options.version),
                                                                       (name: "commit", value: WearVersion.commit)], value: 1)]),
            MetricFamily(name: "wear_stage_start_time_seconds", help: "When the stage started, in seconds since the epoch.",
                         kind: .gauge, samples: [.init(labels: stageLabel, value: Double(startTime))]),
            MetricFamily(name: "wear_records_in_total", help: "Records read (non-blank input lines).", kind: .counter,
                         samples: [.init(labels: stageLabel, value: Double(ledger.recordsIn))]),
            MetricFamily(name: "wear_records_out_total", help: "Records emitted (for wear-alert: consumed).", kind: .counter,
                         samples: [.init(labels: stageLabel, value: Double(ledger.recordsOut))]),
            MetricFamily(name: "wear_records_rejected_total", help: "Records rejected, by reason.", kind: .counter,
                         samples: rejected),
            MetricFamily(name: "wear_input_bytes_total", help: "Bytes of records read (without newlines).", kind: .counter,
                         samples: [.init(labels: stageLabel, value: Double(ledger.bytesIn))]),
            MetricFamily(name: "wear_output_bytes_total", help: "Bytes written to standard output.", kind: .counter,
                         samples: [.init(labels: stageLabel, value: Double(writer.bytesWritten))]),
            MetricFamily(name: "wear_blank_lines_total", help: "Blank input lines skipped (not records).", kind: .counter,
                         samples: [.init(labels: stageLabel, value: Double(framer.blankLines))]),
        ]
    }
}
