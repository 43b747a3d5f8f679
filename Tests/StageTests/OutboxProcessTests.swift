import Foundation
import Glibc
import Testing
import WearTesting
import WearTestingHTTP

/// The outbox and the X delivery in real processes (`wear-outbox-probe`,
/// the calls wear-alert makes) against the fake X API on loopback, which
/// answers a repeated text with 403 duplicate content as X does: kill -9
/// mid-post then restart, a second process on the same outbox, the drain.
@Suite(.serialized, .timeLimit(.minutes(2))) struct OutboxProcessTests {
    init() {
        // Only wear-outbox-probe reads it; every test here uses the same value.
        setenv("X_BEARER_TOKEN", "process-test-bearer", 1)
    }

    func arguments(_ outbox: String, _ server: FakeXServer, drain: String = "10") -> [String] {
        ["--outbox", outbox, "--x-api-base", server.baseURL, "--drain-timeout", drain, "--request-timeout", "30"]
    }

    func entryCount(_ outbox: String) -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: outbox)) ?? []).filter { $0.hasSuffix(".json") }.count
    }

    @Test func killNineMidPostThenRestartDeliversEveryPostOnce() throws {
        let server = try FakeXServer(acceptsEachTextOnce: true)
        defer { server.shutdown() }
        // X takes post 3, but its answer never comes: the process dies waiting.
        server.script(.created(), .created(), .acceptAndHang)
        let temporary = try TemporaryDirectory()
        let outbox = temporary.url.appendingPathComponent("outbox").path

        let first = try LiveStage("wear-outbox-probe", arguments(outbox, server))
        first.write((1...5).map { "post \($0)\n" }.joined())
        #expect(Polling.until(upTo: 30) { server.requests.count == 3 && entryCount(outbox) == 3 })
        first.signal(SIGKILL)
        _ = first.waitForExit(upTo: 30)
        #expect(first.stdoutLines.count == 2) // receipts for posts 1 and 2 only
        #expect(entryCount(outbox) == 3)      // 3 (taken, unacknowledged), 4 and 5 (never tried)

        let second = try LiveStage("wear-outbox-probe", arguments(outbox, server))
        second.closeInput()
        #expect(second.waitForExit(upTo: 60) == 0)
        #expect(server.accepted == (1...5).map { "post \($0)" }) // each exactly once
        #expect(server.texts == ["post 1", "post 2", "post 3", "post 3", "post 4", "post 5"])
        #expect(second.stdoutLines == [
            #"{"incident":"line-3","status":"posted","post_id":"","text":"post 3"}"#,
            #"{"incident":"line-4","status":"posted","post_id":"1004","text":"post 4"}"#,
            #"{"incident":"line-5","status":"posted","post_id":"1005","text":"post 5"}"#,
        ])
        #expect(second.stderr.contains("X already has this text (403 duplicate content): delivered, no post id"))
        #expect(second.stderr.contains("pending=0"))
        #expect(entryCount(outbox) == 0)
    }

    @Test func aSecondProcessOnTheSameOutboxIsRefusedWith74() throws {
        let server = try FakeXServer()
        defer { server.shutdown() }
        let temporary = try TemporaryDirectory()
        let outbox = temporary.url.appendingPathComponent("outbox").path
        let first = try LiveStage("wear-outbox-probe", arguments(outbox, server))
        #expect(Polling.until(upTo: 30) { FileManager.default.fileExists(atPath: outbox + "/.lock") })
        first.write("hello\n")
        #expect(first.waitForLines(1, upTo: 30))

        let second = try LiveStage("wear-outbox-probe", arguments(outbox, server))
        second.closeInput()
        #expect(second.waitForExit(upTo: 30) == 74)
        #expect(second.stderr == "wear-outbox-probe: error: outbox \(outbox) is in use by another wear-alert (pid \(first.pid)): its lock \(outbox)/.lock is held; stop that process or pass another --outbox\n")

        first.closeInput()
        #expect(first.waitForExit(upTo: 30) == 0)
        #expect(server.texts == ["hello"])
    }

    @Test func theDrainLeavesWhatCannotGoInTimePendingAndExitsZero() throws {
        let server = try FakeXServer()
        defer { server.shutdown() }
        server.script(.rateLimited(reset: Int64(time(nil)) + 3600))
        let temporary = try TemporaryDirectory()
        let outbox = temporary.url.appendingPathComponent("outbox").path
        let probe = try LiveStage("wear-outbox-probe", arguments(outbox, server, drain: "20"))
        probe.write("a\nb\n")
        probe.closeInput()
        let started = Date()
        #expect(probe.waitForExit(upTo: 30) == 0)
        #expect(Date().timeIntervalSince(started) < 10) // the reset is past the bound: no waiting for it
        #expect(probe.stderr.contains("delivery stopped with 2 posts pending in \(outbox); the next start sends them first"))
        #expect(probe.stderr.contains("pending=2"))
        #expect(entryCount(outbox) == 2)
        #expect(server.requests.count == 1)
    }
}
