import CWearThreads
import Glibc

/// One joinable OS thread running one closure: a pthread, born with
/// SIGTERM, SIGINT and SIGHUP blocked and, when given CPUs, pinned to them.
///
/// Why pthreads and not Foundation's `Thread`: WearCore does not link
/// Foundation, and `Thread` can neither be born pinned (the stack and the
/// first allocations of a shard then land on the wrong NUMA node until it
/// migrates) nor be born with signals blocked (a SIGTERM delivered to a
/// worker in the window before it blocks them would be taken on the wrong
/// thread; the runner is the one that polls the self-pipe). Not Swift
/// concurrency either: a worker blocks in read(2) on its eventfd, which a
/// cooperative pool must never do.
///
/// The owner must call `join()` (the sharded runner does on every exit
/// path); `deinit` joins a thread still running, so no closure outlives
/// the values it captured.
public final class WorkerThread {
    private let handle: pthread_t
    private var joined = false

    /// Starts `body` on a new thread, pinned to `cpus` unless empty.
    public init(cpus: [Int] = [], body: @escaping @Sendable () -> Void) throws(ThreadFailure) {
        let box = Unmanaged.passRetained(Body(body))
        var thread = pthread_t()
        let code = cpus.map(Int32.init).withUnsafeBufferPointer { list in
            wear_thread_start(runBody, box.toOpaque(), list.baseAddress, Int32(list.count), &thread)
        }
        guard code == 0 else {
            box.release()
            let pinned = cpus.isEmpty ? "" : " on CPUs \(CPUList.format(cpus))"
            throw ThreadFailure("cannot start a worker thread\(pinned)", code: code)
        }
        handle = thread
    }

    /// Waits until the closure has returned. Idempotent.
    public func join() {
        guard !joined else { return }
        joined = true
        _ = wear_thread_join(handle)
    }

    deinit { join() }

    /// The CPUs the calling thread may run on, in increasing order.
    public static func allowedCPUs() -> [Int] {
        var cpus = [Int32](repeating: 0, count: 1024)
        let count = Int(wear_thread_allowed_cpus(&cpus, Int32(cpus.count)))
        guard count > 0 else { return [] }
        return cpus.prefix(min(count, cpus.count)).map(Int.init)
    }

    /// The CPU the calling thread is running on, or nil if unknown.
    public static func currentCPU() -> Int? {
        let cpu = wear_thread_current_cpu()
        return cpu >= 0 ? Int(cpu) : nil
    }

    /// True when `signal` is blocked in the calling thread.
    public static func isBlocked(_ signal: Int32) -> Bool {
        wear_thread_signal_is_blocked(signal) == 1
    }
}

/// The closure, kept alive for the thread by one retain (released by the thread).
private final class Body {
    let run: @Sendable () -> Void
    init(_ run: @escaping @Sendable () -> Void) { self.run = run }
}

private func runBody(_ context: UnsafeMutableRawPointer?) {
    guard let context else { return }
    let body = Unmanaged<Body>.fromOpaque(context).takeRetainedValue()
    body.run()
}
