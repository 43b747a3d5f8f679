import Foundation
import Glibc
import Testing
import WearTesting

/// Signals to a stage waiting on an open pipe: SIGTERM and SIGINT drain and
/// exit 0 with the summary; SIGHUP reloads and the stage keeps going.
@Suite struct SignalTests {
    @Test(arguments: [SIGTERM, SIGINT])
    func terminationWhileWaitingDrainsAndExitsZero(_ signal: Int32) throws {
        let scratch = try TemporaryDirectory()
        let stage = try LiveStage("wear-filter", filterIdentity + ["--rejects", scratch.file("rejects").path])
        let records = (1...3).map { Telemetry.record($0) }
        stage.write(records[0] + "\nnot json\n" + records[1] + "\n" + records[2] + "\n")
        // Once the stage has read everything (FIONREAD 0) its handlers are
        // installed; what it read but may not have written yet must come out.
        try #require(Polling.until { stage.unreadInputBytes == 0 })
        stage.signal(signal)
        #expect(stage.waitForExit() == 0, "stderr:\n\(stage.stderr)")
        #expect(stage.stdoutLines == records)
        let rejects = try Data(contentsOf: scratch.file("rejects"))
        let summary = expectBalancedLedger("wear-filter", stdout: stage.stdout, stderr: stage.stderr, rejects: rejects)
        #expect(summary?.recordsIn == 4 && summary?.byReason == ["bad_json": 1])
        #expect(!stage.stderr.contains("error"), "\(stage.stderr)")
    }

    @Test func signalsBlockedByTheParentStillReachTheStage() throws {
        let stage = try LiveStage("wear-filter", filterIdentity + [], blockedSignals: [SIGTERM, SIGINT, SIGHUP])
        stage.write(Telemetry.record(1) + "\n")
        try #require(stage.waitForLines(1))
        stage.signal(SIGHUP)
        #expect(stage.waitForOutput { _, stderr in stderr.contains("reloaded configuration (SIGHUP)") }, "\(stage.stderr)")
        stage.signal(SIGTERM)
        #expect(stage.waitForExit() == 0, "stderr:\n\(stage.stderr)")
    }

    @Test func terminationNamesTheUnfinishedLineItDidNotProcess() throws {
        let stage = try LiveStage("wear-filter", filterIdentity + [])
        stage.write(Telemetry.record(1) + "\n" + #"{"dev":"wr-1","seq""#)
        try #require(stage.waitForLines(1))
        // FIONREAD 0: the stage has read the partial line too.
        #expect(Polling.until { stage.unreadInputBytes == 0 })
        stage.signal(SIGTERM)
        #expect(stage.waitForExit() == 0)
        #expect(stage.stderr.contains("wear-filter: warning: stopping with 19 bytes of an unfinished line not processed"),
                "\(stage.stderr)")
        let summary = expectBalancedLedger("wear-filter", stdout: stage.stdout, stderr: stage.stderr, rejects: nil)
        #expect(summary?.recordsIn == 1)
    }

    @Test func hangupReloadsAndTheStageKeepsProcessing() throws {
        let stage = try LiveStage("wear-filter", filterIdentity + [])
        stage.write(Telemetry.record(1) + "\n")
        try #require(stage.waitForLines(1))
        stage.signal(SIGHUP)
        #expect(stage.waitForOutput { _, stderr in stderr.contains("wear-filter: notice: reloaded configuration (SIGHUP)") },
                "stderr:\n\(stage.stderr)")
        stage.write(Telemetry.record(2) + "\n")
        #expect(stage.waitForLines(2))
        stage.signal(SIGHUP)
        #expect(stage.waitForOutput { _, stderr in stderr.components(separatedBy: "reloaded configuration").count == 3 })
        stage.write(Telemetry.record(3) + "\n")
        #expect(stage.finish() == 0)
        #expect(stage.stdoutLines == (1...3).map { Telemetry.record($0) })
        let summary = expectBalancedLedger("wear-filter", stdout: stage.stdout, stderr: stage.stderr, rejects: nil)
        #expect(summary?.recordsIn == 3)
    }
}
