import Foundation
import Glibc
import Testing
import WearTesting
@testable import WearCore

/// The batch runner's own loop (`run()`), in-process on real descriptors: a
/// file and a pipe as input, a worker thread completing through the remote
/// completer, the in-flight bound, and a clean exit report.
@Suite struct BatchStageRunnerLoopTests {
    func run(_ stage: ThreadedStage, input: String, maxInFlight: Int = 1 << 16,
             throughPipe: Bool = false) throws -> (status: WearCore.ExitStatus, output: [String], ledger: Ledger, stage: ThreadedStage,
                                                    logs: InMemoryLogHandler.Store) {
        let scratch = try TemporaryDirectory()
        let outputPath = scratch.file("out.ndjson").path
        let fd = open(outputPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        defer { close(fd) }
        var options = RunnerOptions()
        options.outputFD = fd
        options.maxRecordsInFlight = maxInFlight
        if throughPipe {
            let fifo = scratch.file("in.fifo").path
            #expect(mkfifo(fifo, 0o600) == 0)
            options.input = .path(fifo)
            let data = Data(input.utf8)
            Thread.detachNewThread {
                let writer = open(fifo, O_WRONLY | O_CLOEXEC)
                data.withUnsafeBytes { raw in
                    var offset = 0
                    while offset < raw.count {
                        let written = write(writer, raw.baseAddress! + offset, min(4096, raw.count - offset))
                        if written <= 0 { break }
                        offset += written
                    }
                }
                close(writer)
            }
        } else {
            try Data(input.utf8).write(to: scratch.file("in.ndjson"))
            options.input = .path(scratch.file("in.ndjson").path)
        }
        let (logger, logs) = InMemoryLogHandler.logger()
        var runner = try BatchStageRunner(stage: stage, options: options, logger: logger)
        let status = runner.run()
        let output = try String(contentsOfFile: outputPath, encoding: .utf8).split(separator: "\n").map(String.init)
        return (status, output, runner.ledger, runner.stage, logs)
    }

    @Test(arguments: [false, true])
    func completesEveryRecordAndReportsABalancedLedger(_ throughPipe: Bool) throws {
        let records = (0..<20_000).map { #"{"i":\#($0)}"# }
        let result = try run(ThreadedStage(pool: try WorkerPool(delivery: .remote)),
                             input: (records + ["oops"]).joined(separator: "\n") + "\n", throughPipe: throughPipe)
        #expect(result.status == .ok)
        #expect(result.output.count == 20_000)
        #expect(Set(result.output) == Set(records.indices.map { #"{"i":\#($0),"seq":\#($0)}"# }))
        #expect(result.ledger.recordsIn == 20_001 && result.ledger.rejectsByReason == [.badJSON: 1])
        #expect(result.ledger.balances)
        #expect(result.logs.messages.last?.message == "in=20001 out=20000 rejected=1 (bad_json=1)")
    }

    @Test func stopsReadingWhileTheBoundOfRecordsInFlightIsReached() throws {
        // 200,000 records are about ten read blocks; the worker is slow, so
        // without the bound the runner would read them all while it works.
        let records = (0..<200_000).map { #"{"i":\#($0)}"# }
        let result = try run(ThreadedStage(pool: try WorkerPool(delivery: .ownEventFD, pause: .milliseconds(5))),
                             input: records.joined(separator: "\n"), maxInFlight: 100)
        #expect(result.status == .ok)
        #expect(result.output.count == 200_000)
        // Reading stops at the bound; the block read just before may add one batch.
        #expect(result.stage.largestBatch < 50_000)
        #expect(result.stage.maxInFlightSeen < 100 + result.stage.largestBatch, "\(result.stage.maxInFlightSeen)")
        #expect(result.ledger.balances && result.ledger.recordsOut == 200_000)
    }
}
