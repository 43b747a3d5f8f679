import Glibc

/// The worker threads of a `ShardedStage`, and the runner thread's side of
/// their queues: sends commands (waiting when a worker is `queueDepth`
/// commands behind), collects reports, and stops and joins the workers.
///
/// Runner thread only. The per-record path touches none of this: a push and
/// a doorbell ring per batch part, a pop per report.
final class ShardPool {
    private let channels: [ShardChannel]
    private var threads: [WorkerThread] = []
    /// The runtime's eventfd that every worker signals after a report; the
    /// stage watches it (`StageContext.watch`).
    let results: EventFD
    let placement: WorkerPlacement
    private let depth: Int
    /// Commands sent to each worker and not yet answered (at most `depth`).
    private var inFlight: [Int]
    /// Times the runner waited because a worker was `depth` commands behind.
    private(set) var fullWaits = 0
    private var stopped = false

    var workers: Int { channels.count }

    /// Starts `options.workers` threads, each making its shard on its own
    /// thread with `makeShard(index)`.
    init<Shard: Stage & SendableMetatype>(options: ShardingOptions, makeShard: @escaping @Sendable (Int) -> Shard) throws(StageFailure) {
        depth = max(1, options.queueDepth)
        let topology = options.numa == .auto ? CPUTopology.read(root: options.sysfsRoot) : CPUTopology(nodeCPUs: [], online: nil, allowed: nil)
        placement = WorkerPlacement(workers: options.workers, mode: options.numa, topology: topology)
        results = try EventFD()
        inFlight = Array(repeating: 0, count: options.workers)
        do throws(ThreadFailure) {
            var channels: [ShardChannel] = []
            for _ in 0..<options.workers { channels.append(try ShardChannel(depth: depth, results: results)) }
            self.channels = channels
        } catch {
            throw StageFailure(status: .ioError, message: "\(error)")
        }
        let maxLineBytes = options.maxLineBytes
        do throws(ThreadFailure) {
            for (index, channel) in channels.enumerated() {
                threads.append(try WorkerThread(cpus: placement.slots[index].cpus) {
                    var worker = ShardWorker(index: index, channel: channel, maxLineBytes: maxLineBytes, shard: makeShard(index))
                    worker.run()
                })
            }
        } catch {
            _ = stop { _ in }
            throw StageFailure(status: .ioError, message: "\(error)")
        }
    }

    deinit {
        if !stopped { _ = stop { _ in } }
    }

    /// Queues `command` for `worker`; while the worker is `depth` commands
    /// behind, waits for reports and hands each to `deliver`.
    func send(_ command: ShardCommand, to worker: Int, deliver: (ShardReport) -> Void) {
        while inFlight[worker] >= depth {
            fullWaits += 1
            waitForReports()
            collect(deliver)
        }
        let queued = channels[worker].inbox.push(command)
        precondition(queued, "shard \(worker): command queue full with \(inFlight[worker]) in flight")
        inFlight[worker] += 1
        channels[worker].bell.ring()
    }

    /// Hands every report waiting now to `deliver`, worker by worker, each
    /// worker's in the order it sent them.
    func collect(_ deliver: (ShardReport) -> Void) {
        results.drain() // before popping: a report posted after this leaves the fd readable
        for (worker, channel) in channels.enumerated() {
            while let report = channel.outbox.pop() {
                inFlight[worker] -= 1
                deliver(report)
            }
        }
    }

    /// True while any command has not been answered.
    var isBusy: Bool { inFlight.contains { $0 > 0 } }

    /// Sleeps until a worker reports (poll(2) on the results eventfd;
    /// a signal's EINTR only ends the wait early).
    func waitForReports() {
        var entry = pollfd(fd: results.descriptor, events: Int16(POLLIN), revents: 0)
        _ = poll(&entry, 1, -1)
    }

    /// Sends `.stop` to every worker (after what is queued), joins them and
    /// returns the reports still on the way (the last carries any persist
    /// error). Idempotent.
    @discardableResult
    func stop(_ deliver: (ShardReport) -> Void) -> [String] {
        guard !stopped else { return [] }
        stopped = true
        var failures: [String] = []
        let handle: (ShardReport) -> Void = { report in
            if case .stopped(let failure?) = report.kind { failures.append("shard \(report.worker): \(failure)") }
            deliver(report)
        }
        for worker in 0..<threads.count {
            send(.stop, to: worker, deliver: handle)
        }
        while isBusy {
            waitForReports()
            collect(handle)
        }
        for thread in threads { thread.join() }
        return failures
    }
}
