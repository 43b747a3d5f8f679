import Foundation
import Testing
import WearTesting
@testable import WearCore

/// Deferred stages on the batch runner, in-process: records completed out of
/// order and later (a manual clock's deadline, another thread's eventfd),
/// the drain at end of input, and a ledger that balances whatever happened.
@Suite struct BatchStageRunnerTests {
    let lines = [#"{"n":1}"#, #"{"n":2,"do":"tag"}"#, #"{"n":3,"do":"reject"}"#, "not json", #"{"n":5}"#]

    func expectBalanced(_ outcome: StageHarnessOutcome, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(outcome.ledgerProblems().isEmpty, "\(outcome.ledgerProblems())", sourceLocation: sourceLocation)
    }

    @Test func aDeadlineCompletesHeldRecordsOutOfOrderOnlyWhenTheClockReachesIt() throws {
        let harness = try StageHarness(TimerHoldingStage(hold: .seconds(10)))
        try harness.feed(lines: lines)
        // The bad line is rejected at once; the rest is held.
        #expect(harness.recordsInFlight == 4)
        #expect(harness.ledger.rejectsByReason == [.badJSON: 1])
        try harness.advance(by: .milliseconds(9_999))
        #expect(harness.outcome.output.isEmpty)
        #expect(harness.recordsInFlight == 4)
        try harness.advance(by: .milliseconds(1))
        #expect(harness.recordsInFlight == 0)
        let outcome = try harness.finish()
        #expect(outcome.outputLines == [#"{"n":5}"#, #"{"n":2,"do":"tag","late":true}"#, #"{"n":1}"#])
        #expect(outcome.rejectReasons == ["bad_json", "held_reject"])
        #expect(outcome.ledger.recordsIn == 5 && outcome.ledger.recordsOut == 3)
        #expect(harness.stage.finishCalls == 1)
        expectBalanced(outcome)
    }

    @Test func recordsArrivingLaterAreHeldForTheirOwnDeadline() throws {
        let harness = try StageHarness(TimerHoldingStage(hold: .seconds(5)))
        try harness.feed(lines: [#"{"n":1}"#])
        try harness.advance(by: .seconds(3))
        try harness.feed(lines: [#"{"n":2}"#])
        try harness.advance(by: .seconds(2))
        #expect(harness.outcome.outputLines == [#"{"n":1}"#])
        #expect(harness.recordsInFlight == 1)
        try harness.advance(by: .seconds(3))
        let outcome = try harness.finish()
        #expect(outcome.outputLines == [#"{"n":1}"#, #"{"n":2}"#])
        expectBalanced(outcome)
    }

    @Test func anHourOfManualTimePassesWithoutSleeping() throws {
        let harness = try StageHarness(TimerHoldingStage(hold: .seconds(3600)))
        let started = ContinuousClock.now
        try harness.feed(lines: lines)
        try harness.advance(by: .seconds(3600))
        let outcome = try harness.finish()
        #expect(ContinuousClock.now - started < .seconds(30))
        #expect(outcome.outputLines.count == 3)
        expectBalanced(outcome)
    }

    @Test func theDrainWaitsForHeldRecordsAndRejectsWhatOutlivesItsBound() throws {
        var options = RunnerOptions()
        options.drainTimeout = .seconds(30)
        let harness = try StageHarness(TimerHoldingStage(hold: .seconds(60)), options: options)
        try harness.feed(lines: lines)
        try harness.endInput()
        #expect(try !harness.drainIsOver())
        try harness.advance(by: .seconds(29))
        #expect(try !harness.drainIsOver())
        try harness.advance(by: .seconds(1))
        #expect(try harness.drainIsOver())
        let outcome = harness.close()
        #expect(outcome.output.isEmpty)
        #expect(outcome.ledger.rejectsByReason == [.badJSON: 1, .drainTimeout: 4])
        #expect(outcome.rejects.last?.contains(#""detail":"the stage still held the record when the drain ran out of time (30.0 seconds)""#) == true,
                "\(outcome.rejects)")
        expectBalanced(outcome)
    }

    @Test func aDrainThatEndsInTimeRejectsNothing() throws {
        let harness = try StageHarness(TimerHoldingStage(hold: .seconds(10)))
        try harness.feed(lines: lines)
        try harness.endInput()
        try harness.advance(by: .seconds(10))
        #expect(try harness.drainIsOver())
        let outcome = harness.close()
        #expect(outcome.outputLines.count == 3)
        #expect(outcome.ledger.rejectsByReason[.drainTimeout] == nil)
        expectBalanced(outcome)
    }

    @Test(arguments: [WorkerPool.Delivery.remote, .ownEventFD])
    func aWorkerThreadCompletesRecordsInReverseThroughAnEventFD(_ delivery: WorkerPool.Delivery) throws {
        let pool = try WorkerPool(delivery: delivery, gather: 4)
        let harness = try StageHarness(ThreadedStage(pool: pool))
        try harness.feed(lines: [#"{"a":1}"#, #"{"a":2}"#])
        try harness.feed(lines: ["[1]", #"{"a":4}"#])
        #expect(try harness.serveUntilIdle())
        let outcome = try harness.finish()
        #expect(outcome.outputLines == [#"{"a":4,"seq":3}"#, #"{"a":2,"seq":1}"#, #"{"a":1,"seq":0}"#])
        #expect(outcome.rejectReasons == ["not_object"])
        #expect(pool.signalsBlockedInWorker.withLock { $0 } == true)
        if delivery == .ownEventFD { #expect(harness.stage.descriptorWakeUps >= 1) }
        expectBalanced(outcome)
    }

    @Test func theDrainWaitsForAWorkerThatCompletesOnlyWhenStopped() throws {
        let pool = try WorkerPool(delivery: .remote, gather: .max)
        let harness = try StageHarness(ThreadedStage(pool: pool))
        try harness.feed(lines: (1...50).map { #"{"i":\#($0)}"# })
        #expect(harness.recordsInFlight == 50)
        let outcome = try harness.finish()
        #expect(outcome.outputLines.count == 50)
        #expect(outcome.outputLines.first == #"{"i":50,"seq":49}"#)
        expectBalanced(outcome)
    }

    @Test func aTicketCompletedTwiceCountsOnce() throws {
        let harness = try StageHarness(TwiceCompletingStage())
        try harness.feed(lines: [#"{"x":1}"#, #"{"x":2}"#])
        let outcome = try harness.finish()
        #expect(outcome.outputLines == [#"{"x":1}"#, #"{"x":2}"#])
        #expect(harness.logs.messages.contains { $0.level == .error && $0.message.contains("completed record #0 that is not in flight") })
        expectBalanced(outcome)
    }

    @Test func appendingToALineThatIsNotAnObjectIsARejectNotATrap() throws {
        let harness = try StageHarness(AppendAnythingStage())
        try harness.feed(lines: ["[1,2]", #""text""#, #"{"ok":1}"#])
        let outcome = try harness.finish()
        #expect(outcome.outputLines == [#"{"ok":1,"seen":true}"#])
        #expect(outcome.rejectReasons == ["not_object", "not_object"])
        #expect(outcome.rejects.first?.contains("the stage appended members to a line that is not a JSON object") == true)
        expectBalanced(outcome)
    }
}

/// Passes each record twice: the second completion must be ignored.
struct TwiceCompletingStage: BatchStage {
    static var name: String { "wear-twice" }
    mutating func process(_ batch: RecordBatch, context: inout StageContext) {
        for ticket in batch.tickets { context.pass(ticket) }
        for ticket in batch.tickets { context.pass(ticket) }
    }
}

/// Accepts any line and appends a member to it, object or not.
struct AppendAnythingStage: BatchStage {
    static var name: String { "wear-append" }
    static var acceptsNonJSONLines: Bool { true }
    mutating func process(_ batch: RecordBatch, context: inout StageContext) {
        for index in 0..<batch.count {
            context.completions.emit(batch.ticket(at: index), appendingTo: batch.line(at: index).bytes) { $0.field("seen", true) }
        }
    }
}

/// Passes records until one says `"do":"fail"`, then stops the run
/// (`StageContext.fail`), leaving that record and the rest of its batch held.
struct FailingStage: BatchStage {
    static var name: String { "wear-fail" }
    private let parser = JSONParser(capacity: 1 << 16)

    mutating func process(_ batch: RecordBatch, context: inout StageContext) {
        for index in 0..<batch.count {
            let ticket = batch.ticket(at: index)
            guard case .success(let record) = batch.record(at: index, parser: parser) else { continue }
            if record.json?["do"]?.string == "fail" {
                context.fail(StageFailure(status: .ioError, message: "cannot keep record \(ticket.sequence)"))
                return
            }
            context.pass(ticket)
        }
    }
}

@Suite struct StageFailureTests {
    @Test func aStageThatFailsStopsTheRunWithItsStatusAndRejectsWhatItHeldAsStageFailed() throws {
        let harness = try StageHarness(FailingStage())
        var failure: StageFailure?
        do {
            try harness.feed(lines: [#"{"n":1}"#, #"{"n":2,"do":"fail"}"#, #"{"n":3}"#])
        } catch {
            failure = error as? StageFailure
        }
        #expect(failure?.status == .ioError)
        #expect(failure?.message == "cannot keep record 1")
        let outcome = harness.close()
        #expect(outcome.outputLines == [#"{"n":1}"#]) // the completions of the failing call are applied
        #expect(outcome.ledger.rejectsByReason == [.stageFailed: 2])
        #expect(outcome.ledgerProblems().isEmpty, "\(outcome.ledgerProblems())")
    }
}
