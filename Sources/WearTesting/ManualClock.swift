import Synchronization
import WearCore

/// A `StageClock` that moves only when a test says so: deadlines fire when
/// the test advances it, and nothing ever sleeps for one.
public final class ManualClock: StageClock {
    private let current: Mutex<Instant>

    public init(at start: Instant = Instant(nanoseconds: 1_000_000_000)) {
        current = Mutex(start)
    }

    public var now: Instant { current.withLock { $0 } }

    /// A manual clock never makes the runner sleep for a deadline.
    public var waitsInRealTime: Bool { false }

    /// Moves the clock forward by `duration` (not backwards: a monotonic clock).
    public func advance(by duration: Duration) {
        precondition(duration >= .zero, "a monotonic clock does not go back")
        current.withLock { $0 = $0 + duration }
    }
}
