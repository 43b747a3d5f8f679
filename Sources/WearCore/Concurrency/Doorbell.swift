import CWearThreads
import Glibc

/// What a thread sleeps on until another rings it: a blocking eventfd. A
/// shard worker waits on its doorbell when its queue is empty; the runner
/// rings it after queueing work (and the worker rings the runner's when it
/// frees a queue slot the runner is waiting for).
///
/// Rings are counted, never lost: a ring before the `wait` makes the wait
/// return at once. (The runner's own wake-up, polled next to its input, is
/// the runtime's non-blocking `EventFD`.)
///
/// Sendable: the only state is the descriptor number, fixed at creation;
/// ring and wait are single write(2)/read(2) calls, atomic in the kernel.
/// Closed in `deinit`, when no thread can be using it any more.
public final class Doorbell: Sendable {
    /// The descriptor (an eventfd).
    public let fd: Int32

    /// A new doorbell; `nonblocking` makes `wait` return 0 instead of sleeping.
    public init(nonblocking: Bool = false) throws(ThreadFailure) {
        let fd = wear_eventfd_open(nonblocking ? 1 : 0)
        guard fd >= 0 else { throw ThreadFailure("cannot create an eventfd", code: errno) }
        self.fd = fd
    }

    deinit { close(fd) }

    /// Wakes the waiting side. Cannot fail on a valid eventfd; a saturated
    /// counter already means "wake up".
    @inline(__always)
    public func ring() {
        _ = wear_eventfd_post(fd)
    }

    /// Sleeps until rung (at once if rung since the last wait); returns how
    /// many rings there were, and resets the count.
    @discardableResult
    public func wait() -> Int {
        max(0, Int(wear_eventfd_take(fd)))
    }
}
