/// A point on a monotonic clock, in nanoseconds from the clock's own origin
/// (for `SystemClock`, CLOCK_MONOTONIC's: boot). Only differences mean
/// anything; it never goes back and is not wall-clock time.
///
/// Deadlines the runner waits for (a stage's next timer, the drain bound,
/// the metrics interval) are `Instant`s read from a `StageClock`, so a test
/// moves them with a manual clock instead of sleeping.
public struct Instant: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let nanoseconds: Int64

    public init(nanoseconds: Int64) {
        self.nanoseconds = nanoseconds
    }

    /// The clock's origin.
    public static let zero = Instant(nanoseconds: 0)

    public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    /// `instant + .milliseconds(500)`; saturates instead of overflowing.
    public static func + (lhs: Instant, rhs: Duration) -> Instant {
        Instant(nanoseconds: lhs.nanoseconds.addingReportingOverflow(rhs.nanoseconds).overflow
                ? (rhs > .zero ? .max : .min) : lhs.nanoseconds + rhs.nanoseconds)
    }

    public static func - (lhs: Instant, rhs: Duration) -> Instant { lhs + (Duration.zero - rhs) }

    /// The time from `self` to `other` (negative when `other` is earlier).
    public func duration(to other: Instant) -> Duration {
        .nanoseconds(other.nanoseconds &- nanoseconds)
    }

    public var description: String { "\(Double(nanoseconds) / 1e9)s" }
}

extension Duration {
    /// The whole nanoseconds in this duration, saturating at Int64's range.
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (total, overflowAgain) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        if overflowAgain { return seconds < 0 ? .min : .max }
        return total
    }

    /// Milliseconds for poll(2), rounded up so a wait never ends before the
    /// deadline; 0 for a duration that has passed, clamped to Int32.
    var pollMilliseconds: Int32 {
        let nanoseconds = self.nanoseconds
        guard nanoseconds > 0 else { return 0 }
        return Int32(clamping: nanoseconds / 1_000_000 + (nanoseconds % 1_000_000 == 0 ? 0 : 1))
    }
}
