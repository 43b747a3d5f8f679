import Glibc
import Logging
import Synchronization
import WearCore

/// Delivers the outbox to X, off the stage's runner thread: one dedicated
/// thread (born with the stage's signals blocked) takes the entries in
/// outbox order, one at a time, posts each through an `XPosting`, applies
/// `RetryPolicy` to the answer, updates or removes the entry, and calls
/// `report` with every result (on its thread: the stage posts receipts
/// through its `RemoteCompleter`).
///
/// Time comes from a `DeliveryClock` and the jitter from `random`, so tests
/// run backoffs and rate-limit waits in virtual time. `drain(timeout:)`
/// (end of input, SIGTERM) delivers what it can within the bound, then
/// stops, leaving the rest in the outbox for the next start.
public final class Delivery: Sendable {
    private let outbox: Outbox
    private let poster: any XPosting
    private let policy: RetryPolicy
    private let clock: any DeliveryClock
    private let random: @Sendable () -> Double
    private let requestTimeout: Duration
    private let logger: Logger
    private let report: @Sendable (DeliveryResult) -> Void
    private let control = Mutex(Control())
    /// Signalled once, when the delivery thread's loop has returned.
    private let finished: EventFD
    private let thread = ThreadSlot()

    private struct Control {
        var drainDeadline: WallTime?
        var stopped = false
    }

    /// Starts delivering `outbox` (what is pending now goes first). Failed
    /// entries from an earlier run are retried at once: a restart is how an
    /// operator says "the credentials are fixed".
    public static func start(outbox: Outbox, poster: any XPosting, policy: RetryPolicy = RetryPolicy(),
                             clock: any DeliveryClock = SystemDeliveryClock(),
                             random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
                             requestTimeout: Duration = .seconds(30), logger: Logger,
                             report: @escaping @Sendable (DeliveryResult) -> Void) throws(StageFailure) -> Delivery {
        let delivery = try Delivery(outbox: outbox, poster: poster, policy: policy, clock: clock, random: random,
                                    requestTimeout: requestTimeout, logger: logger, report: report)
        delivery.retryFailedNow()
        do {
            let worker = try WorkerThread { delivery.run() }
            delivery.thread.set(worker)
        } catch {
            throw StageFailure(status: .ioError, message: "cannot start the delivery thread: \(error)")
        }
        return delivery
    }

    private init(outbox: Outbox, poster: any XPosting, policy: RetryPolicy, clock: any DeliveryClock,
                 random: @escaping @Sendable () -> Double, requestTimeout: Duration, logger: Logger,
                 report: @escaping @Sendable (DeliveryResult) -> Void) throws(StageFailure) {
        self.outbox = outbox
        self.poster = poster
        self.policy = policy
        self.clock = clock
        self.random = random
        self.requestTimeout = requestTimeout
        self.logger = logger
        self.report = report
        finished = try EventFD()
    }

    /// Delivers for up to `timeout` (on the delivery clock; a post in flight
    /// at the bound is cancelled), then stops the thread. Returns how many
    /// posts stay pending in the outbox (logged with where they are).
    /// Returns early when nothing left can be tried before the bound (a
    /// rate-limit reset or back-off after it). Idempotent.
    @discardableResult
    public func drain(timeout: Duration) -> Int {
        let deadline = clock.now() + timeout
        control.withLock { $0.drainDeadline = min($0.drainDeadline ?? deadline, deadline) }
        outbox.changes.signal()
        if !waitUntilFinished(upTo: timeout) {
            control.withLock { $0.stopped = true }
            poster.cancel()
            outbox.changes.signal()
        }
        thread.take()?.join()
        let pending = outbox.count
        if pending > 0 {
            logger.warning("delivery stopped with \(pending) post\(pending == 1 ? "" : "s") pending in \(outbox.directory); the next start sends \(pending == 1 ? "it" : "them") first")
        }
        return pending
    }

    /// Stops at once (the post in flight is cancelled): `drain(timeout: .zero)`.
    @discardableResult
    public func stop() -> Int { drain(timeout: .zero) }

    /// Blocks (real time, poll(2)) until the loop has returned or `limit` passed.
    private func waitUntilFinished(upTo limit: Duration) -> Bool {
        var descriptor = pollfd(fd: finished.descriptor, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(clamping: max(limit.nanoseconds, 0) / 1_000_000)
        return poll(&descriptor, 1, milliseconds) > 0
    }

    private func retryFailedNow() {
        let failed = outbox.entries.filter { $0.status == .failed }
        for var entry in failed {
            entry.nextAttempt = nil
            do { try outbox.update(entry) } catch { logger.error("\(error.message)") }
        }
        if !failed.isEmpty {
            logger.notice("retrying \(failed.count) post\(failed.count == 1 ? "" : "s") X refused before the restart")
        }
    }

    // MARK: the delivery thread

    /// Until drained or stopped: the first due entry in outbox order, or a
    /// wait until one is due (or added, or the drain begins).
    private func run() {
        defer { finished.signal() }
        var holdUntil = outbox.entries.filter { $0.holdsQueue && $0.status == .pending }.compactMap(\.nextAttempt).max()
        while true {
            let control = self.control.withLock { $0 }
            if control.stopped { return }
            let now = clock.now()
            let entries = outbox.entries
            if let deadline = control.drainDeadline, entries.isEmpty || now >= deadline { return }
            let held = holdUntil.map { now < $0 } ?? false
            if !held, let entry = entries.first(where: { ($0.nextAttempt ?? now) <= now }) {
                attempt(entry, now: now, drainDeadline: control.drainDeadline, holdUntil: &holdUntil)
                continue
            }
            var wake = entries.compactMap { $0.nextAttempt }.min()
            if held, let holdUntil { wake = max(wake ?? holdUntil, holdUntil) }
            if let deadline = control.drainDeadline, (wake ?? .init(milliseconds: .max)) > deadline { return }
            clock.wait(until: wake, wakeup: outbox.changes)
        }
    }

    private func attempt(_ entry: OutboxEntry, now: WallTime, drainDeadline: WallTime?, holdUntil: inout WallTime?) {
        var timeout = requestTimeout
        if let drainDeadline { timeout = max(min(timeout, now.duration(to: drainDeadline)), .milliseconds(1)) }
        let outcome = poster.post(entry.text, timeout: timeout)
        let after = clock.now()
        var updated = entry
        updated.attempts += 1
        let name = "outbox entry \(entry.fileName) (incident \(entry.incident))"
        switch policy.decide(outcome, attempts: updated.attempts, now: after, random: random()) {
        case .delivered(let postID, let duplicate):
            do { try outbox.remove(entry) } catch { logger.error("\(error.message)") }
            if duplicate {
                logger.info("\(name): X already has this text (403 duplicate content): delivered, no post id")
                report(DeliveryResult(entry: updated, outcome: .duplicate))
            } else {
                logger.info("\(name): posted as \(postID ?? "(X gave no id)") after \(updated.attempts) attempt\(updated.attempts == 1 ? "" : "s")")
                report(DeliveryResult(entry: updated, outcome: .posted(postID: postID)))
            }
        case .retry(let next, let status, let holds, let error):
            updated.nextAttempt = next
            updated.status = status
            updated.holdsQueue = holds
            updated.lastError = error
            do { try outbox.update(updated) } catch { logger.error("\(error.message)") }
            if holds { holdUntil = max(holdUntil ?? next, next) }
            let wait = after.duration(to: next)
            if status == .failed {
                logger.error("\(name): X refused the post: \(error); kept in \(outbox.directory), next try in \(Self.format(wait))\(holds ? " (later posts wait too)" : "")")
                report(DeliveryResult(entry: updated, outcome: .failed(next: next, error: error)))
            } else {
                logger.warning("\(name): attempt \(updated.attempts) failed: \(error); next try in \(Self.format(wait))")
                report(DeliveryResult(entry: updated, outcome: .retrying(next: next, error: error)))
            }
        }
    }

    /// `950ms`, `12.5s`, `15m`, `1h 5m`: for log lines.
    static func format(_ duration: Duration) -> String {
        let milliseconds = max(duration.nanoseconds / 1_000_000, 0)
        if milliseconds < 1000 { return "\(milliseconds)ms" }
        if milliseconds < 60_000 { return "\(Double(milliseconds / 100) / 10)s" }
        let minutes = milliseconds / 60_000
        if minutes < 60 { return "\(minutes)m" }
        return "\(minutes / 60)h \(minutes % 60)m"
    }
}

/// The delivery thread's handle (`WorkerThread` is not `Sendable`): set
/// once by `start`, taken once by the first `drain`, both under its lock.
private final class ThreadSlot: @unchecked Sendable {
    private let lock = Mutex(())
    private var thread: WorkerThread?

    func set(_ worker: WorkerThread) { lock.withLock { _ in thread = worker } }

    func take() -> WorkerThread? {
        lock.withLock { _ in
            defer { thread = nil }
            return thread
        }
    }
}
