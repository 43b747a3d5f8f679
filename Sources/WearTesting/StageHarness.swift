import Foundation
import Glibc
import Logging
@_spi(Testing) import WearCore

/// Runs a stage in-process through the real `BatchStageRunner`, step by
/// step, with no process, no input descriptor and no signals: feed lines,
/// advance a manual clock (deadlines fire, nothing sleeps), wait for results
/// that other threads post, end the input, then read the output, the
/// rejects and the ledger.
///
/// A synchronous `Stage` runs through `SynchronousBatchStage` (see the
/// `init(_:options:)` overload). Output and rejects go to files in a
/// temporary directory; real-time waits only turn a hang into a failure.
public final class StageHarness<S: BatchStage> {
    public let clock: ManualClock
    public let logs: InMemoryLogHandler.Store
    private var runner: BatchStageRunner<S>
    private let scratch: TemporaryDirectory
    private let outputFD: Int32
    private let rejectsPath: String
    private var closed = false

    /// `options.outputFD` and `rejectsPath` are replaced by the harness's files.
    public init(_ stage: S, options: RunnerOptions = RunnerOptions(), clock: ManualClock = ManualClock()) throws {
        scratch = try TemporaryDirectory()
        rejectsPath = scratch.file("rejects.ndjson").path
        outputFD = open(scratch.file("out.ndjson").path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard outputFD >= 0 else { throw TestSupportError("cannot create the harness's output file") }
        var options = options
        options.outputFD = outputFD
        options.rejectsPath = rejectsPath
        self.clock = clock
        let (logger, logs) = InMemoryLogHandler.logger(label: S.name)
        self.logs = logs
        runner = try BatchStageRunner(stage: stage, options: options, logger: logger, clock: clock)
        try runner.start()
    }

    deinit { Glibc.close(outputFD) }

    /// The stage as it is now.
    public var stage: S { runner.stage }
    /// The ledger as it is now (records in flight are in neither out nor rejects).
    public var ledger: Ledger { runner.ledger }
    public var recordsInFlight: Int { runner.recordsInFlight }

    /// Input bytes, in one piece.
    public func feed(_ text: String) throws { try runner.feed(Array(text.utf8)) }

    /// Input bytes, one byte per read.
    public func feedBytewise(_ text: String) throws {
        for byte in text.utf8 { try runner.feed(CollectionOfOne(byte)) }
    }

    /// Lines, each with its newline.
    public func feed(lines: [String]) throws { try feed(lines.map { $0 + "\n" }.joined()) }

    /// Moves the clock and lets what became due run (the stage's deadline,
    /// the drain bound, metrics).
    public func advance(by duration: Duration) throws {
        clock.advance(by: duration)
        try runner.fireDeadlines()
        try runner.pollDescriptors(waitingUpTo: 0)
    }

    /// Serves the stage's descriptors and remote completions until `condition`
    /// holds (real waits on the descriptors, at most `limit` seconds in all).
    @discardableResult
    public func serve(upTo limit: TimeInterval = 30, until condition: (StageHarness) -> Bool) throws -> Bool {
        let deadline = Date().addingTimeInterval(limit)
        while !condition(self) {
            guard Date() < deadline else { return false }
            try runner.pollDescriptors(waitingUpTo: 50)
        }
        return true
    }

    /// Serves descriptors until nothing is in flight (or `limit` seconds pass).
    @discardableResult
    public func serveUntilIdle(upTo limit: TimeInterval = 30) throws -> Bool {
        try serve(upTo: limit) { $0.recordsInFlight == 0 }
    }

    /// End of input: the last line, the stage's `finish`; the drain goes on
    /// as the test serves descriptors or advances the clock.
    public func endInput() throws { try runner.endInput() }

    /// True when the drain is over (nothing in flight, or the bound passed:
    /// the rest is then rejected as `drain_timeout`).
    public func drainIsOver() throws -> Bool { try runner.drainIsOver() }

    /// End of input, a drain served with real waits (for threads), then the
    /// runner's exit: persist, flush, summary. The outcome of the whole run.
    @discardableResult
    public func finish(upTo limit: TimeInterval = 30) throws -> StageHarnessOutcome {
        try endInput()
        _ = try serve(upTo: limit) { harness in (try? harness.drainIsOver()) ?? true }
        return close()
    }

    /// The runner's exit (whatever is in flight is rejected as output_failed).
    @discardableResult
    public func close() -> StageHarnessOutcome {
        if !closed {
            closed = true
            runner.shutDown()
        }
        return outcome
    }

    /// What was written so far (after a flush).
    public var outcome: StageHarnessOutcome {
        try? runner.flush()
        let output = (try? String(contentsOfFile: scratch.file("out.ndjson").path, encoding: .utf8)) ?? ""
        let rejects = (try? String(contentsOfFile: rejectsPath, encoding: .utf8)) ?? ""
        return StageHarnessOutcome(output: output, rejects: rejects.split(separator: "\n").map(String.init),
                                   ledger: runner.ledger, recordsInFlight: runner.recordsInFlight)
    }
}

extension StageHarness {
    /// A synchronous stage, through the batch adapter.
    public convenience init<Wrapped: Stage>(_ stage: Wrapped, options: RunnerOptions = RunnerOptions(),
                                            clock: ManualClock = ManualClock()) throws
        where S == SynchronousBatchStage<Wrapped> {
        try self.init(SynchronousBatchStage(stage, maxLineBytes: options.maxLineBytes), options: options, clock: clock)
    }
}

/// What a harnessed run produced.
public struct StageHarnessOutcome: Sendable {
    /// Standard output, as written.
    public let output: String
    /// The rejects file, one JSON line each.
    public let rejects: [String]
    public let ledger: Ledger
    public let recordsInFlight: Int

    public var outputLines: [String] { output.split(separator: "\n").map(String.init) }

    /// The reasons of the rejects, in order (from the rejects file).
    public var rejectReasons: [String] {
        rejects.compactMap { line in
            guard let data = line.data(using: .utf8),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
            return object["reason"] as? String
        }
    }

    /// in = out + rejects, nothing in flight, one rejects line per reject,
    /// and (for stages whose output is their records) one output line per record out.
    public func ledgerProblems(outputIsRecords: Bool = true) -> [String] {
        var problems: [String] = []
        if !ledger.balances {
            problems.append("ledger does not balance: \(ledger.summary)")
        }
        if recordsInFlight != 0 { problems.append("\(recordsInFlight) records still in flight") }
        if rejects.count != ledger.rejected {
            problems.append("ledger says \(ledger.rejected) rejects, the rejects file has \(rejects.count)")
        }
        if outputIsRecords, outputLines.count != ledger.recordsOut {
            problems.append("ledger says out=\(ledger.recordsOut), output has \(outputLines.count) lines")
        }
        return problems
    }
}
