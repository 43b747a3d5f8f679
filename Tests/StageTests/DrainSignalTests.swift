import Foundation
import Glibc
import Testing
import WearTesting

/// SIGTERM and SIGINT with records in flight: the runtime calls the stage's
/// `finish`, waits for what it holds (a worker thread completing them one by
/// one), flushes and exits 0 with every record accounted for. The probe
/// binary holds every record it reads until the run ends.
@Suite struct DrainSignalTests {
    static let records = (0..<2_000).map { Telemetry.record($0) }

    func startProbe(_ mode: String, rejects: URL) throws -> LiveStage {
        let stage = try LiveStage("wear-runtime-probe", ["--mode", mode, "--rejects", rejects.path])
        stage.write(Self.records.joined(separator: "\n") + "\nnot json\n")
        // FIONREAD 0: the stage has read everything (and holds it); nothing is out yet.
        try #require(Polling.until { stage.unreadInputBytes == 0 })
        return stage
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func aDeferredStageDrainsEveryRecordItHoldsOnTermination(_ signal: Int32) throws {
        let scratch = try TemporaryDirectory()
        let stage = try startProbe("deferred", rejects: scratch.file("rejects"))
        #expect(stage.waitForOutput { _, stderr in stderr.contains("worker: SIGTERM, SIGINT, SIGHUP blocked: true") }, "\(stage.stderr)")
        #expect(stage.stdout.isEmpty)
        stage.signal(signal)
        #expect(stage.waitForExit() == 0, "stderr:\n\(stage.stderr)")
        // The worker completes in reverse: every record, changed, none lost.
        let expected = Self.records.reversed().map { String($0.dropLast()) + #","drained":true}"# }
        #expect(stage.stdoutLines == expected)
        let rejects = try Data(contentsOf: scratch.file("rejects"))
        let summary = expectBalancedLedger("wear-runtime-probe", stdout: stage.stdout, stderr: stage.stderr, rejects: rejects)
        #expect(summary?.recordsIn == 2_001 && summary?.byReason == ["bad_json": 1])
        #expect(!stage.stderr.contains("drain_timeout") && !stage.stderr.contains("error"), "\(stage.stderr)")
    }

    @Test func aSynchronousStageGetsItsFinishOnTermination() throws {
        let scratch = try TemporaryDirectory()
        let stage = try startProbe("sync", rejects: scratch.file("rejects"))
        #expect(stage.stdout.isEmpty)
        stage.signal(SIGTERM)
        #expect(stage.waitForExit() == 0, "stderr:\n\(stage.stderr)")
        #expect(stage.stdoutLines == Self.records)
        let rejects = try Data(contentsOf: scratch.file("rejects"))
        let summary = expectBalancedLedger("wear-runtime-probe", stdout: stage.stdout, stderr: stage.stderr, rejects: rejects)
        #expect(summary?.recordsIn == 2_001)
    }

    @Test func hangupReloadsADeferredStageThatKeepsItsRecords() throws {
        let scratch = try TemporaryDirectory()
        let stage = try startProbe("deferred", rejects: scratch.file("rejects"))
        stage.signal(SIGHUP)
        #expect(stage.waitForOutput { _, stderr in stderr.contains("wear-runtime-probe: notice: reloaded configuration (SIGHUP)") },
                "\(stage.stderr)")
        #expect(stage.stdout.isEmpty)
        #expect(stage.finish() == 0, "stderr:\n\(stage.stderr)")
        #expect(stage.stdoutLines.count == Self.records.count)
        let rejects = try Data(contentsOf: scratch.file("rejects"))
        expectBalancedLedger("wear-runtime-probe", stdout: stage.stdout, stderr: stage.stderr, rejects: rejects)
    }

    @Test func endOfInputDrainsTheSameWay() throws {
        let scratch = try TemporaryDirectory()
        let stage = try startProbe("deferred", rejects: scratch.file("rejects"))
        #expect(stage.finish() == 0, "stderr:\n\(stage.stderr)")
        #expect(stage.stdoutLines.count == Self.records.count)
        let rejects = try Data(contentsOf: scratch.file("rejects"))
        expectBalancedLedger("wear-runtime-probe", stdout: stage.stdout, stderr: stage.stderr, rejects: rejects)
    }
}
