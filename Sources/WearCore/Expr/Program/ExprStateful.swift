import Glibc

/// The stateful functions, each over its words in a key's row (docs/rules.md
/// states the semantics; the brief of #9 is the contract). Values are
/// Doubles (NaN: missing) and times are Int64 milliseconds of event time.
/// Each function returns the call's result and updates its words.
enum ExprStateful {
    /// The initial words of each function: "no state yet".
    static let noValue = Double.nan.bitPattern
    static let noTime = UInt64(bitPattern: Int64.min)

    static func initialWords(_ function: ExprFunction) -> [UInt64] {
        switch function {
        case .last, .max, .delta: [noValue]
        case .zscore: [0, 0, 0]            // count, mean, variance
        case .rate: [noTime, 0]            // latest time, prev << 32 | cur
        case .bucket: [0, noTime]          // excess (thousandths), last time
        default: []
        }
    }

    /// `last(key, x)`: the last present x of earlier records; then remembers x.
    @inline(__always)
    static func last(_ words: UnsafeMutablePointer<UInt64>, _ x: Double) -> Double {
        let previous = Double(bitPattern: words[0])
        if !x.isNaN { words[0] = x.bitPattern }
        return previous
    }

    /// `max(key, x)`: the largest x of earlier records; then folds x in.
    @inline(__always)
    static func max(_ words: UnsafeMutablePointer<UInt64>, _ x: Double) -> Double {
        let previous = Double(bitPattern: words[0])
        if x > previous || (previous.isNaN && !x.isNaN) { words[0] = x.bitPattern }
        return previous
    }

    /// `delta(key, x)`: x minus the last present x; then remembers x.
    @inline(__always)
    static func delta(_ words: UnsafeMutablePointer<UInt64>, _ x: Double) -> Double {
        x - last(words, x)
    }

    static let zscoreAlpha = 1.0 / 32
    static let zscoreWarmup = 8.0
    static let zscoreClip = 8.0

    /// `zscore(key, x)`: (x - mean) / sd of the earlier values (exponentially
    /// weighted, alpha 1/32), missing before 8 of them; sd at least 1% of
    /// |mean| and 1e-9. x is folded in clipped to mean +- 8 sd (during the
    /// warm-up too, as docs/rules.md and bench/filter/rules.py do). A fold that would make the
    /// mean or variance non-finite (values near 1e308) restarts the key's
    /// statistics at x, so no value can leave them infinite or NaN.
    static func zscore(_ words: UnsafeMutablePointer<UInt64>, _ x: Double) -> Double {
        guard x.isFinite else { return .nan }
        let count = Double(bitPattern: words[0])
        guard count > 0 else {
            restart(words, at: x)
            return .nan
        }
        let mean = Double(bitPattern: words[1]), variance = Double(bitPattern: words[2])
        let sd = Swift.max(variance.squareRoot(), 0.01 * Swift.abs(mean), 1e-9)
        let score = count >= zscoreWarmup ? (x - mean) / sd : .nan
        let folded = Swift.min(Swift.max(x, mean - zscoreClip * sd), mean + zscoreClip * sd)
        let difference = folded - mean
        let increment = zscoreAlpha * difference
        let newMean = mean + increment
        let newVariance = (1 - zscoreAlpha) * (variance + difference * increment)
        if newMean.isFinite && newVariance.isFinite {
            words[0] = Swift.min(count + 1, 1e15).bitPattern
            words[1] = newMean.bitPattern
            words[2] = newVariance.bitPattern
        } else {
            restart(words, at: x)
        }
        return score
    }

    /// One value seen: mean x, variance 0.
    private static func restart(_ words: UnsafeMutablePointer<UInt64>, at x: Double) {
        words[0] = (1.0).bitPattern
        words[1] = x.bitPattern
        words[2] = (0.0).bitPattern
    }

    /// How far back a record may be (ms) before a key's clock resyncs to it.
    static let backwardsLimit: Int64 = 60_000

    /// `rate(key, W)`: records per second over the window ending at `time`,
    /// this one included, by the two-window estimate over windows aligned to
    /// multiples of `window` (ms). Time only moves forward: a record up to
    /// 60 s before the key's latest time counts at that time; one further
    /// back resets the key's windows to its own time. Words: the latest
    /// time (its window is latest / W), and prev << 32 | cur.
    static func rate(_ words: UnsafeMutablePointer<UInt64>, time: Int64, window: Int64) -> Double {
        var latest = Int64(bitPattern: words[0])
        var previousCount = UInt32(truncatingIfNeeded: words[1] >> 32)
        var currentCount = UInt32(truncatingIfNeeded: words[1])
        if latest == Int64.min || latest - time > backwardsLimit {
            (latest, previousCount, currentCount) = (time, 0, 0)
        }
        let current = floorDivide(latest, window)
        let at = Swift.max(time, latest)
        let index = floorDivide(at, window)
        if index > current {
            previousCount = index == current + 1 ? currentCount : 0
            currentCount = 0
        }
        currentCount = currentCount == .max ? .max : currentCount + 1
        words[0] = UInt64(bitPattern: at)
        words[1] = UInt64(previousCount) << 32 | UInt64(currentCount)
        let elapsed = Double(at - index * window) / Double(window)
        return (Double(previousCount) * (1 - elapsed) + Double(currentCount)) / (Double(window) / 1000)
    }

    @inline(__always)
    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let quotient = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
    }

    /// `bucket(key, r, burst)`: nginx limit_req in thousandths. `rate` is
    /// r * 1000 (per second), `burst` is burst * 1000. Returns 1 (over the
    /// limit: the state is unchanged) or 0 (admitted and counted).
    static func bucket(_ words: UnsafeMutablePointer<UInt64>, time: Int64, rate: Int64, burst: Int64) -> Double {
        let last = Int64(bitPattern: words[1])
        guard last != Int64.min else {
            words[0] = 0
            words[1] = UInt64(bitPattern: time)
            return 0
        }
        var elapsed = time - last
        if elapsed < -backwardsLimit { elapsed = 1 } else if elapsed < 0 { elapsed = 0 }
        let excess = Int64(bitPattern: words[0])
        let (drain, overflow) = rate.multipliedReportingOverflow(by: elapsed)
        let next = overflow ? 0 : Swift.max(0, excess - drain / 1000 + 1000)
        if next > burst { return 1 }
        words[0] = UInt64(bitPattern: next)
        if elapsed != 0 { words[1] = UInt64(bitPattern: time) }
        return 0
    }

}
