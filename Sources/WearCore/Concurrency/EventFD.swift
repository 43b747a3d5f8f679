import CWearThreads
import Glibc

/// An eventfd: a counter that one thread posts to and another waits on, or
/// polls next to its other descriptors (the runner's event loop).
///
/// Sendable: the only state is the descriptor number, fixed at creation;
/// post and take are single read(2)/write(2) calls, which the kernel makes
/// atomic. Closed in `deinit`, when no thread can be using it any more.
public final class EventFD: Sendable {
    /// The descriptor, for poll(2).
    public let fd: Int32

    /// A new eventfd; `nonblocking` for one that is polled (then `take`
    /// returns 0 instead of waiting).
    public init(nonblocking: Bool) throws(ThreadFailure) {
        let fd = wear_eventfd_open(nonblocking ? 1 : 0)
        guard fd >= 0 else { throw ThreadFailure("cannot create an eventfd", code: errno) }
        self.fd = fd
    }

    deinit { close(fd) }

    /// Wakes the waiting side (adds 1 to the counter). Cannot fail on a
    /// valid eventfd; a saturated counter already means "wake up".
    @inline(__always)
    public func post() {
        _ = wear_eventfd_post(fd)
    }

    /// Reads and resets the counter: the number of posts since the last
    /// take. Blocking: waits for at least one. Non-blocking: 0 if none.
    @discardableResult
    public func take() -> Int {
        max(0, Int(wear_eventfd_take(fd)))
    }
}
