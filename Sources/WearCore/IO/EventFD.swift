import CWearThreads
import Glibc

/// An eventfd(2): a counter any thread may bump to wake a poll(2) on it.
/// Worker threads use one to tell the runner that results are waiting; the
/// stage registers `descriptor` with `StageContext.watch(_:)`.
///
/// Owns the descriptor (closed in `deinit`). `signal()` is safe from any
/// thread, also concurrently with `drain()` on the runner thread. The C
/// side is CWearThreads' eventfd shim, shared with the shard workers'
/// blocking `Doorbell`.
public final class EventFD: Sendable {
    /// The descriptor to poll (readable while the counter is not zero).
    public let descriptor: Int32

    /// A new eventfd (non-blocking, close-on-exec); throws when the process
    /// is out of descriptors.
    public init() throws(StageFailure) {
        let fd = wear_eventfd_open(1)
        guard fd >= 0 else {
            throw StageFailure(status: .ioError, message: "cannot create an eventfd: \(String(cString: strerror(errno)))")
        }
        descriptor = fd
    }

    deinit { close(descriptor) }

    /// Wakes whoever polls the descriptor (adds 1 to the counter).
    public func signal() {
        _ = wear_eventfd_post(descriptor)
    }

    /// Resets the counter; returns how many signals arrived since the last drain.
    @discardableResult
    public func drain() -> UInt64 {
        UInt64(max(0, wear_eventfd_take(descriptor)))
    }
}
