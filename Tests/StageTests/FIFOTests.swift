import Foundation
import Glibc
import Testing
import WearTesting

/// Stages reading FIFOs: named with `--input`, or handed over as a
/// non-blocking stdin the way systemd does. A writer that is slow, absent
/// for a while or connected but silent (EAGAIN) is not the end of input.
@Suite struct FIFOTests {
    /// Three bursts of records, written with pauses between them.
    static let bursts = (0..<3).map { burst in (0..<5).map { Telemetry.record(burst * 5 + $0) } }

    /// Opens the FIFO for writing once a reader has it open (ENXIO until then), blocking writes.
    private func connectWriter(_ fifo: String) throws -> Int32 {
        var writer: Int32 = -1
        let connected = Polling.until {
            writer = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
            return writer >= 0 || errno != ENXIO
        }
        guard connected, writer >= 0 else { throw TestSupportError("no reader opened \(fifo): \(String(cString: strerror(errno)))") }
        _ = fcntl(writer, F_SETFL, fcntl(writer, F_GETFL) & ~O_NONBLOCK)
        return writer
    }

    /// True while the process is blocked in a system call (poll), i.e. idle.
    private func isIdle(_ stage: LiveStage) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(stage.pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        return stat[close...].dropFirst(2).first == "S"
    }

    /// Writes the bursts, each after the stage went idle and after the previous one came out.
    private func writeBursts(_ writer: Int32, to stage: LiveStage) {
        var written = 0
        for burst in Self.bursts {
            #expect(Polling.until { isIdle(stage) }, "the stage never went idle waiting for the writer")
            writeAll(writer, burst.map { $0 + "\n" }.joined())
            written += burst.count
            #expect(stage.waitForLines(written), "burst \(written / 5) did not come out while the writer was connected")
        }
    }

    @Test func aFIFONamedByInputIsReadUntilItsLateSlowWriterCloses() throws {
        let scratch = try TemporaryDirectory()
        let fifo = try makeFIFO(in: scratch)
        let stage = try LiveStage("wear-filter", filterIdentity + ["--input", fifo, "--rejects", scratch.file("rejects").path])
        // The stage opens the FIFO without waiting for a writer, then waits for one.
        try #require(Polling.until { stage.openPaths.contains(fifo) }, "wear-filter never opened \(fifo)")
        #expect(Polling.until { isIdle(stage) })
        let writer = try connectWriter(fifo)
        writeBursts(writer, to: stage)
        close(writer)
        #expect(stage.waitForExit() == 0, "stderr:\n\(stage.stderr)")
        #expect(stage.stdoutLines == Self.bursts.flatMap { $0 })
        let rejects = try Data(contentsOf: scratch.file("rejects"))
        expectBalancedLedger("wear-filter", stdout: stage.stdout, stderr: stage.stderr, rejects: rejects)
    }

    @Test func aNonBlockingFIFOOnStdinTreatsEAGAINAsWaitNotEndOfInput() throws {
        let scratch = try TemporaryDirectory()
        let fifo = try makeFIFO(in: scratch)
        let reader = try openDescriptor(fifo, O_RDONLY | O_NONBLOCK)
        let stage = try LiveStage("wear-filter", filterIdentity + [], standardInput: reader)
        close(reader)
        let writer = try connectWriter(fifo)
        writeBursts(writer, to: stage)
        close(writer)
        #expect(stage.waitForExit() == 0, "stderr:\n\(stage.stderr)")
        #expect(stage.stdoutLines == Self.bursts.flatMap { $0 })
        expectBalancedLedger("wear-filter", stdout: stage.stdout, stderr: stage.stderr, rejects: nil)
    }

    /// systemd's ListenFIFO opens the FIFO read-write and non-blocking: reads
    /// see EAGAIN, never end of input, while writers come and go.
    @Test func aReadWriteFIFOOnStdinOutlivesItsWritersUntilSIGTERM() throws {
        let scratch = try TemporaryDirectory()
        let fifo = try makeFIFO(in: scratch)
        let socketFD = try openDescriptor(fifo, O_RDWR | O_NONBLOCK)
        let stage = try LiveStage("wear-filter", filterIdentity + [], standardInput: socketFD)
        close(socketFD)
        var written = 0
        for burst in Self.bursts {
            let writer = try connectWriter(fifo)
            writeAll(writer, burst.map { $0 + "\n" }.joined())
            close(writer)
            written += burst.count
            #expect(stage.waitForLines(written), "records of a later writer did not come out")
            #expect(Polling.until { isIdle(stage) })
        }
        stage.signal(SIGTERM)
        #expect(stage.waitForExit() == 0, "stderr:\n\(stage.stderr)")
        #expect(stage.stdoutLines == Self.bursts.flatMap { $0 })
        expectBalancedLedger("wear-filter", stdout: stage.stdout, stderr: stage.stderr, rejects: nil)
    }
}
