import Foundation
import Glibc
import Testing
@testable import WearCore

/// The handlers' flags (SA_RESTART) and the worker-thread mask helper.
@Suite struct SignalInboxTests {
    /// What a test thread saw, handed back under a lock.
    final class Observation: @unchecked Sendable {
        let lock = NSLock()
        var blockedBefore = true
        var blockedAfter = false
        var thread: pthread_t?
        var readCount = -2
        let done = DispatchSemaphore(value: 0)
    }

    @Test func aWorkerThreadBlocksTheHandledSignalsForItself() throws {
        let seen = Observation()
        Thread.detachNewThread {
            // Test threads may start with them blocked (as a parent can leave them): unblock first.
            unblockHandledSignals()
            let before = SignalInbox.handledSignalsBlockedInCurrentThread
            let blocked = SignalInbox.blockHandledSignalsInCurrentThread()
            let after = blocked && SignalInbox.handledSignalsBlockedInCurrentThread
            seen.lock.withLock {
                seen.blockedBefore = before
                seen.blockedAfter = after
            }
            seen.done.signal()
        }
        #expect(seen.done.wait(timeout: .now() + 30) == .success)
        let (before, after) = seen.lock.withLock { (seen.blockedBefore, seen.blockedAfter) }
        #expect(!before)
        #expect(after)
    }

    @Test func aSignalToAThreadBlockedInReadRestartsTheReadInsteadOfFailingIt() throws {
        #expect(SignalInbox.install() >= 0)
        var fds: [Int32] = [-1, -1]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        let readerFD = fds[0]
        let seen = Observation()
        Thread.detachNewThread {
            unblockHandledSignals() // so that SIGHUP really interrupts this thread
            seen.lock.withLock { seen.thread = pthread_self() }
            var byte: UInt8 = 0
            let count = read(readerFD, &byte, 1) // blocks until the byte below
            seen.lock.withLock { seen.readCount = count }
            seen.done.signal()
        }
        var reader: pthread_t?
        for _ in 0..<3000 where reader == nil {
            reader = seen.lock.withLock { seen.thread }
            usleep(1000)
        }
        let thread = try #require(reader)
        usleep(50_000) // let it enter read(2)
        #expect(pthread_kill(thread, SIGHUP) == 0)
        usleep(50_000)
        let early = seen.lock.withLock { seen.readCount }
        #expect(early == -2, "read(2) returned \(early) on the signal instead of being restarted")
        var byte: UInt8 = 7
        #expect(write(fds[1], &byte, 1) == 1)
        #expect(seen.done.wait(timeout: .now() + 30) == .success)
        let count = seen.lock.withLock { seen.readCount }
        #expect(count == 1)
        _ = SignalInbox.take()
    }
}

/// Unblocks SIGTERM, SIGINT and SIGHUP in the calling thread.
private func unblockHandledSignals() {
    var set = sigset_t()
    sigemptyset(&set)
    sigaddset(&set, SIGTERM)
    sigaddset(&set, SIGINT)
    sigaddset(&set, SIGHUP)
    pthread_sigmask(SIG_UNBLOCK, &set, nil)
}
