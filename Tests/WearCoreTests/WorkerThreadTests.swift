import Glibc
import Synchronization
import Testing
import WearCore

@Suite("WorkerThread and Doorbell")
struct WorkerThreadTests {
    @Test func runsItsClosureOnAnotherThreadAndJoins() throws {
        let ran = Counter()
        let thread = try WorkerThread { ran.increment() }
        thread.join()
        thread.join()
        #expect(ran.value == 1)
    }

    @Test func blocksTheStageSignalsInTheWorkerOnly() throws {
        // The test runner's threads may have signals blocked already: unblock
        // SIGTERM here for the test, and compare SIGUSR1 with the caller's mask.
        var unblock = sigset_t(), saved = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &unblock, &saved)
        defer { pthread_sigmask(SIG_SETMASK, &saved, nil) }
        let callerBefore = [SIGTERM, SIGUSR1].map { WorkerThread.isBlocked($0) }
        let blocked = Mutex<[Bool]>([])
        let thread = try WorkerThread {
            let seen = [SIGTERM, SIGINT, SIGHUP, SIGUSR1].map { WorkerThread.isBlocked($0) }
            blocked.withLock { $0 = seen }
        }
        thread.join()
        #expect(blocked.withLock { $0 } == [true, true, true, callerBefore[1]], "SIGUSR1 as the caller had it")
        #expect([SIGTERM, SIGUSR1].map { WorkerThread.isBlocked($0) } == callerBefore, "the caller's mask is restored")
    }

    @Test func pinsAWorkerToTheCPUsItIsGiven() throws {
        let allowed = WorkerThread.allowedCPUs()
        try #require(!allowed.isEmpty)
        let target = try #require(allowed.last)
        let seen = Mutex<(allowed: [Int], current: Int?)>(([], nil))
        let thread = try WorkerThread(cpus: [target]) {
            let state = (WorkerThread.allowedCPUs(), WorkerThread.currentCPU())
            seen.withLock { $0 = state }
        }
        thread.join()
        let result = seen.withLock { $0 }
        #expect(result.allowed == [target])
        #expect(result.current == target)
        #expect(WorkerThread.allowedCPUs() == allowed, "the caller stays unpinned")
    }

    @Test func refusesCPUsThatDoNotExist() {
        #expect(throws: ThreadFailure("cannot start a worker thread on CPUs 5000", code: EINVAL)) {
            _ = try WorkerThread(cpus: [5000]) {}
        }
        #expect((try? WorkerThread(cpus: [1000]) {}) == nil, "a CPU number this machine lacks")
        let failure = ThreadFailure("cannot start a worker thread on CPUs 5000", code: EINVAL)
        #expect(failure.description == "cannot start a worker thread on CPUs 5000: Invalid argument")
    }

    @Test func aDoorbellCountsRingsUntilWaitedFor() throws {
        let bell = try Doorbell(nonblocking: true)
        #expect(bell.wait() == 0)
        bell.ring()
        bell.ring()
        #expect(bell.wait() == 2)
        #expect(bell.wait() == 0)
    }

    @Test func aDoorbellWakesAWaitingThread() throws {
        let bell = try Doorbell()
        let reply = try Doorbell()
        let thread = try WorkerThread {
            let count = bell.wait()
            if count == 1 { reply.ring() }
        }
        bell.ring()
        #expect(reply.wait() == 1)
        thread.join()
    }
}
