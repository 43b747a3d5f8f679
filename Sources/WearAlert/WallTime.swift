import Glibc
import WearCore

/// A wall-clock time (CLOCK_REALTIME), milliseconds since the Unix epoch.
///
/// Delivery uses the wall clock, not `Instant`'s monotonic one, for the
/// times that must mean the same after a restart or come from X: an
/// outbox entry's `created` and `next_attempt`, and `x-rate-limit-reset`
/// (epoch seconds). A clock step moves those waits with it; every wait is
/// bounded (`RetryPolicy`), so a step can delay a post, never stall it.
public struct WallTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    /// `seconds` since the epoch (an `x-rate-limit-reset` value).
    public init(epochSeconds seconds: Int64) {
        milliseconds = seconds.multipliedReportingOverflow(by: 1000).overflow ? .max : seconds * 1000
    }

    public static func < (lhs: WallTime, rhs: WallTime) -> Bool { lhs.milliseconds < rhs.milliseconds }

    /// Saturating: a huge duration gives a far time, never a trap.
    public static func + (lhs: WallTime, rhs: Duration) -> WallTime {
        let (sum, overflow) = lhs.milliseconds.addingReportingOverflow(rhs.nanoseconds / 1_000_000)
        return WallTime(milliseconds: overflow ? (rhs > .zero ? .max : .min) : sum)
    }

    /// From `self` to `other` (negative when `other` is earlier).
    public func duration(to other: WallTime) -> Duration {
        .milliseconds(other.milliseconds &- milliseconds)
    }

    public var description: String { "\(milliseconds)ms" }
}

/// The time and the waiting of a `Delivery`: `SystemDeliveryClock` in
/// production; tests pass a virtual clock whose waits move its time at once
/// (nothing sleeps for a backoff or a rate-limit reset).
public protocol DeliveryClock: Sendable {
    /// The wall-clock time now.
    func now() -> WallTime
    /// Blocks until `deadline` (nil: no deadline) or until `wakeup` is
    /// signalled, whichever comes first; may return early (the caller
    /// re-checks).
    func wait(until deadline: WallTime?, wakeup: EventFD)
}

/// CLOCK_REALTIME, and poll(2) on the wake-up eventfd for the waits.
public struct SystemDeliveryClock: DeliveryClock {
    public init() {}

    public func now() -> WallTime {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return WallTime(milliseconds: Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000)
    }

    /// Waits in slices of at most a minute, so a wall-clock step is noticed.
    public func wait(until deadline: WallTime?, wakeup: EventFD) {
        var timeout: Int32 = -1
        if let deadline {
            let milliseconds = now().duration(to: deadline).nanoseconds / 1_000_000
            guard milliseconds > 0 else { return }
            timeout = Int32(min(milliseconds, 60_000))
        }
        var descriptor = pollfd(fd: wakeup.descriptor, events: Int16(POLLIN), revents: 0)
        if poll(&descriptor, 1, timeout) > 0 { wakeup.drain() }
    }
}
