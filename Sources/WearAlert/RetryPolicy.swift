/// What happens to an outbox entry after an attempt: pure (the time and the
/// jitter's random number are arguments), so every row of the retry table
/// in docs/wear-alert.md is a unit test.
///
/// | answer | the entry | next attempt | the queue |
/// |---|---|---|---|
/// | 2xx, 403 duplicate content | delivered, removed | — | goes on |
/// | 429 | pending | `x-rate-limit-reset` + 1 s, within 1 s … `maxRateLimitWait`; back-off without it | holds |
/// | 5xx, timeout, connection refused or dropped | pending | back-off | holds |
/// | 400 | failed | `failedRetry` | goes on (this post's problem) |
/// | 401, other 403, other 4xx, 3xx | failed | `failedRetry` | holds (every post would fail) |
///
/// Back-off is exponential with full jitter: uniform in
/// `0 ... min(backoffCap, backoffBase × 2^(attempts − 1))`.
public struct RetryPolicy: Sendable, Equatable {
    public var backoffBase: Duration
    public var backoffCap: Duration
    /// After a refusal (401, 403, 4xx): long, so a bad token does not hammer X.
    public var failedRetry: Duration
    /// The longest wait for a rate-limit reset (X's daily user limit resets within 24 h).
    public var maxRateLimitWait: Duration

    public init(backoffBase: Duration = .seconds(1), backoffCap: Duration = .seconds(15 * 60),
                failedRetry: Duration = .seconds(60 * 60), maxRateLimitWait: Duration = .seconds(24 * 60 * 60 + 60)) {
        self.backoffBase = backoffBase
        self.backoffCap = backoffCap
        self.failedRetry = failedRetry
        self.maxRateLimitWait = maxRateLimitWait
    }

    /// The decision for one attempt's outcome.
    public enum Decision: Sendable, Equatable {
        /// Remove the entry; `postID` nil for a duplicate.
        case delivered(postID: String?, duplicate: Bool)
        /// Keep it, not before `at`; `holdsQueue`: nothing later goes first.
        case retry(at: WallTime, status: OutboxEntry.Status, holdsQueue: Bool, error: String)
    }

    /// `attempts` counts this one (1 for the first); `random` is uniform in 0..<1.
    public func decide(_ outcome: XPostOutcome, attempts: Int, now: WallTime, random: Double) -> Decision {
        switch outcome {
        case .posted(let id):
            return .delivered(postID: id, duplicate: false)
        case .duplicate:
            return .delivered(postID: nil, duplicate: true)
        case .rateLimited(let reset, let message):
            guard let reset else {
                return .retry(at: now + backoff(attempts: attempts, random: random), status: .pending, holdsQueue: true,
                              error: message + " (no x-rate-limit-reset: backing off)")
            }
            let wait = min(max(now.duration(to: reset) + .seconds(1), .seconds(1)), maxRateLimitWait)
            return .retry(at: now + wait, status: .pending, holdsQueue: true, error: message)
        case .transient(let message):
            return .retry(at: now + backoff(attempts: attempts, random: random), status: .pending, holdsQueue: true,
                          error: message)
        case .rejected(let status, let message):
            return .retry(at: now + failedRetry, status: .failed, holdsQueue: status != 400, error: message)
        }
    }

    /// Full jitter: `random × min(backoffCap, backoffBase × 2^(attempts − 1))`.
    public func backoff(attempts: Int, random: Double) -> Duration {
        let exponent = min(max(attempts - 1, 0), 62)
        let base = Double(backoffBase.nanoseconds)
        let ceiling = min(Double(backoffCap.nanoseconds), base * Double(sign: .plus, exponent: exponent, significand: 1))
        let fraction = min(max(random, 0), 1)
        return .nanoseconds(Int64(ceiling * fraction))
    }
}
