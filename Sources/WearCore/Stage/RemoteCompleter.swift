import Synchronization

/// Completes records from any thread: a worker (a score shard, an HTTP
/// client) posts `Completions`, and the runner, woken through an eventfd it
/// polls, applies them on its own thread (writes, rejects, ledger).
///
/// Get it from `StageContext.remote`; it is `Sendable` and may be copied to
/// as many threads as needed. Posting never blocks on I/O: it takes a lock
/// for an array append and bumps the eventfd.
public final class RemoteCompleter: Sendable {
    private let queue = Mutex<[Completions]>([])
    private let wakeUp: EventFD

    init() throws(StageFailure) {
        wakeUp = try EventFD()
    }

    /// The descriptor the runner polls.
    var descriptor: Int32 { wakeUp.descriptor }

    /// Hands `completions` to the runner (ignored when empty).
    public func post(_ completions: Completions) {
        guard !completions.isEmpty else { return }
        queue.withLock { $0.append(completions) }
        wakeUp.signal()
    }

    /// Everything posted so far, in posting order (runner thread).
    func take() -> [Completions] {
        wakeUp.drain()
        return queue.withLock { pending in
            let taken = pending
            pending.removeAll()
            return taken
        }
    }
}
