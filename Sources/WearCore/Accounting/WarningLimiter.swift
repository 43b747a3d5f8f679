/// Rate-limits per-record warnings on stderr: a burst, then a steady rate;
/// what it holds back is counted and reported with the next warning let through.
///
/// Pure: the caller passes `now`, so tests use a manual clock.
public struct WarningLimiter: Sendable {
    public let burst: Int
    public let interval: Duration
    private var tokens: Double
    private var last: ContinuousClock.Instant?
    /// Warnings held back since the last one let through.
    public private(set) var suppressed = 0
    /// Warnings held back in all.
    public private(set) var suppressedTotal = 0

    /// Lets `burst` warnings through at once, then one per `interval`.
    public init(burst: Int = 10, interval: Duration = .seconds(1)) {
        self.burst = burst
        self.interval = interval
        self.tokens = Double(burst)
    }

    /// Nil: hold this warning back. Otherwise how many were held back before it.
    public mutating func admit(now: ContinuousClock.Instant) -> Int? {
        if let last {
            let elapsed = last.duration(to: now) / interval
            tokens = min(Double(burst), tokens + max(0, elapsed))
        }
        last = now
        guard tokens >= 1 else {
            suppressed += 1
            suppressedTotal += 1
            return nil
        }
        tokens -= 1
        defer { suppressed = 0 }
        return suppressed
    }
}
