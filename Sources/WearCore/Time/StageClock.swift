import Glibc

/// Where the runner and the stages read the time that decides timers and
/// deadlines: `SystemClock` in production, a manual clock in tests
/// (WearTesting's `ManualClock`, moved by hand, so no test sleeps).
///
/// This is a monotonic clock, for I/O timeouts, retries, intervals and
/// drain bounds. Event time (a record's `rx`/`ts`) comes from the records,
/// never from here. Named `StageClock`, not `Clock`, so that it does not
/// shadow the standard library's `Clock` in modules importing WearCore.
public protocol StageClock: Sendable {
    /// The current instant.
    var now: Instant { get }
    /// True when waiting for `now` to reach a deadline may block in poll(2)
    /// for real time (a system clock). A manual clock returns false: the
    /// runner then never sleeps for a deadline, only checks it.
    var waitsInRealTime: Bool { get }
}

extension StageClock {
    public var waitsInRealTime: Bool { true }
}

/// CLOCK_MONOTONIC.
public struct SystemClock: StageClock {
    public init() {}

    public var now: Instant {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Instant(nanoseconds: Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec))
    }
}
