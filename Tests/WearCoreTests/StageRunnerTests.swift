import Foundation
import Glibc
import Testing
import WearTesting
@testable import WearCore

/// A stage whose behaviour each record chooses: `{"do":"pass|reject|append|consume|twice|long"}`.
struct ScriptedStage: Stage {
    static var name: String { "wear-test" }
    var finished = false
    var persisted = false

    mutating func process(_ record: Record, into output: inout StageOutput) -> Verdict {
        switch record.json?["do"]?.string {
        case "reject": return .reject(RejectReason("scripted_reject"), detail: "asked to")
        case "append":
            output.emit(appendingTo: record.bytes) { $0.field("seen", Int64(record.number)) }
            return .emitted
        case "consume": return .emitted
        case "twice":
            output.emit(record.bytes)
            output.emit(record.bytes)
            return .emitted
        case "append_to_array":
            // A stage appending to bytes that are not an object (its own
            // mistake, or input it accepted as is) must not trap.
            let appended = Array("[1,2]".utf8).withUnsafeBytes { line in
                output.emit(appendingTo: line) { $0.field("never", true) }
            }
            return appended ? .emitted : .pass // either way the runner rejects it
        case "long":
            output.emit(appendingTo: record.bytes) { $0.field("pad", String(repeating: "p", count: 5000)) }
            return .emitted
        default: return .pass
        }
    }

    mutating func finish(into output: inout StageOutput) {
        finished = true
        output.emit(Array(#"{"end":true}"#.utf8))
    }

    mutating func persist() throws { persisted = true }
}

struct RunOutcome {
    let status: WearCore.ExitStatus
    let output: String
    let rejects: [String]
    let ledger: Ledger
    let stage: ScriptedStage
    let metrics: String?
}

func runScripted(_ input: String, atomicLines: Bool = false, maxLineBytes: Int = 1 << 20, metrics: Bool = false) throws -> RunOutcome {
    let scratch = try TemporaryDirectory()
    let inputURL = scratch.file("in.ndjson")
    try Data(input.utf8).write(to: inputURL)
    let outputPath = scratch.file("out.ndjson").path
    let fd = open(outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    #expect(fd >= 0)
    var options = RunnerOptions()
    options.input = .path(inputURL.path)
    options.outputFD = fd
    options.rejectsPath = scratch.file("rejects.ndjson").path
    options.atomicLines = atomicLines
    options.maxLineBytes = maxLineBytes
    if metrics { options.metricsPath = scratch.file("metrics.prom").path }
    let (logger, _) = InMemoryLogHandler.logger()
    var runner = StageRunner(stage: ScriptedStage(), options: options, logger: logger)
    let status = runner.run()
    close(fd)
    let rejectsText = (try? String(contentsOfFile: options.rejectsPath!, encoding: .utf8)) ?? ""
    return RunOutcome(status: status, output: try String(contentsOfFile: outputPath, encoding: .utf8),
                      rejects: rejectsText.split(separator: "\n").map(String.init), ledger: runner.ledger,
                      stage: runner.stage, metrics: options.metricsPath.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) })
}

@Suite struct StageRunnerTests {
    @Test func accountsForEveryVerdict() throws {
        let outcome = try runScripted("""
            {"do":"pass","n":1}
            {"do":"reject"}

            {"do":"append"}
            {"do":"consume"}
            not json
            {"do":"twice"}
            """)
        #expect(outcome.status == .ok)
        #expect(outcome.output == """
            {"do":"pass","n":1}
            {"do":"append","seen":4}
            {"do":"twice"}
            {"do":"twice"}
            {"end":true}

            """)
        #expect(outcome.ledger.recordsIn == 6)
        #expect(outcome.ledger.recordsOut == 4)
        #expect(outcome.ledger.rejectsByReason == [RejectReason("scripted_reject"): 1, .badJSON: 1])
        #expect(outcome.ledger.balances)
        #expect(outcome.rejects.count == 2)
        #expect(outcome.rejects.first == #"{"stage":"wear-test","reason":"scripted_reject","line":2,"detail":"asked to","input":"{\"do\":\"reject\"}"}"#)
        #expect(outcome.stage.finished)
        #expect(outcome.stage.persisted)
    }

    @Test func rejectsSharedRecordLayerProblemsBeforeTheStageSeesThem() throws {
        let long = "{\"x\":\"" + String(repeating: "a", count: 100) + "\"}"
        let outcome = try runScripted("[1]\n{\"a\":1,\"a\":2}\n\(long)\n{\"ok\":1}\n\"str\"\n", maxLineBytes: 64)
        let reasons = try outcome.rejects.map { try JSONDocument.parse($0, source: "rejects")["reason"]?.stringValue ?? "" }
        #expect(reasons == ["not_object", "duplicate_key", "line_too_long", "not_object"])
        #expect(outcome.output == "{\"ok\":1}\n{\"end\":true}\n")
        #expect(outcome.ledger.balances)
    }

    @Test func appendingToANonObjectLineIsANotObjectRejectNotATrap() throws {
        let outcome = try runScripted("{\"do\":\"append_to_array\"}\n{\"do\":\"pass\"}\n")
        #expect(outcome.status == .ok)
        #expect(outcome.output == "{\"do\":\"pass\"}\n{\"end\":true}\n")
        #expect(outcome.ledger.rejectsByReason == [.notObject: 1])
        #expect(outcome.rejects.first?.contains(#""detail":"the stage appended members to a line that is not a JSON object""#) == true)
        #expect(outcome.ledger.balances)
    }

    @Test func aStartUpFailureLogsNoSummaryLine() throws {
        for input in [InputSource.path("/nonexistent/input.ndjson"), .path("/")] {
            var options = RunnerOptions()
            options.input = input
            let (logger, store) = InMemoryLogHandler.logger()
            var runner = StageRunner(stage: ScriptedStage(), options: options, logger: logger)
            #expect(runner.run() != .ok)
            #expect(store.messages.filter { $0.level == .error }.count == 1, "\(store.messages)")
            #expect(!store.messages.contains { $0.message.hasPrefix("in=") }, "\(store.messages)")
            #expect(!runner.stage.persisted && !runner.stage.finished)
            #expect(runner.ledger.balances && runner.ledger.recordsIn == 0)
        }
    }

    @Test func aDirectoryAsInputIsAStartUpErrorNamingThePath() throws {
        var options = RunnerOptions()
        options.input = .path("/")
        let (logger, store) = InMemoryLogHandler.logger()
        var runner = StageRunner(stage: ScriptedStage(), options: options, logger: logger)
        #expect(runner.run() == .ioError)
        #expect(store.messages.map(\.message) == ["cannot read input /: Is a directory"])
    }

    @Test func atomicLinesRejectsOutputLinesOverPipeBuf() throws {
        let outcome = try runScripted("{\"do\":\"long\"}\n{\"do\":\"pass\"}\n", atomicLines: true)
        #expect(outcome.output == "{\"do\":\"pass\"}\n{\"end\":true}\n")
        #expect(outcome.ledger.rejectsByReason == [.lineTooLongForAtomicWrite: 1])
        #expect(outcome.ledger.balances)
    }

    @Test func atomicLinesRejectsPassedLinesOverPipeBuf() throws {
        let big = "{\"p\":\"" + String(repeating: "q", count: 5000) + "\"}"
        let outcome = try runScripted("\(big)\n", atomicLines: true)
        #expect(outcome.ledger.rejectsByReason == [.lineTooLongForAtomicWrite: 1])
        #expect(outcome.ledger.recordsOut == 0)
    }

    @Test func writesMetricsWithTheLedgerCounts() throws {
        let outcome = try runScripted("{\"a\":1}\nnope\n", metrics: true)
        let metrics = try #require(outcome.metrics)
        #expect(metrics.contains("wear_records_in_total{stage=\"wear-test\"} 2\n"))
        #expect(metrics.contains("wear_records_out_total{stage=\"wear-test\"} 1\n"))
        #expect(metrics.contains("wear_records_rejected_total{stage=\"wear-test\",reason=\"bad_json\"} 1\n"))
        #expect(metrics.contains("# TYPE wear_records_in_total counter"))
    }

    @Test func closedOutputPersistsAndFailsQuietly() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        close(fds[0])
        let scratch = try TemporaryDirectory()
        let inputURL = scratch.file("in.ndjson")
        try Data(String(repeating: "{\"a\":1}\n", count: 20_000).utf8).write(to: inputURL)
        var options = RunnerOptions()
        options.input = .path(inputURL.path)
        options.outputFD = fds[1]
        let (logger, store) = InMemoryLogHandler.logger()
        var runner = StageRunner(stage: ScriptedStage(), options: options, logger: logger)
        let status = runner.run()
        close(fds[1])
        #expect(status == .ioError)
        #expect(runner.stage.persisted)
        #expect(!store.messages.contains { $0.level >= .error })
    }

    @Test func aMissingInputFileExitsWithNoInput() throws {
        var options = RunnerOptions()
        options.input = .path("/nonexistent/input.ndjson")
        let (logger, store) = InMemoryLogHandler.logger()
        var runner = StageRunner(stage: ScriptedStage(), options: options, logger: logger)
        #expect(runner.run() == .noInput)
        #expect(store.messages.contains { $0.level == .error && $0.message.contains("cannot open input /nonexistent/input.ndjson") })
    }

    @Test func anUnwritableRejectsFileIsAnIOError() throws {
        let scratch = try TemporaryDirectory()
        try Data("{}\n".utf8).write(to: scratch.file("in"))
        var options = RunnerOptions()
        options.input = .path(scratch.file("in").path)
        options.rejectsPath = "/nonexistent/dir/rejects.ndjson"
        let (logger, _) = InMemoryLogHandler.logger()
        var runner = StageRunner(stage: ScriptedStage(), options: options, logger: logger)
        #expect(runner.run() == .ioError)
    }
}
