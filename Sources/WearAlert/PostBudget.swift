import Glibc

/// `--budget 17/24h`: at most `limit` posts in any `window` of wall time,
/// a sliding window (what X enforces: POST /2/tweets is limited per user
/// per 24 hours; 17 on the Free tier, 100 on Basic). Wall time, not event
/// time: a replayed day of records must not post a day's budget in a
/// second. Pure: the caller passes `now` (a `WallClock`'s).
public struct PostBudget: Sendable, Equatable {
    public let limit: Int
    /// ms.
    public let window: Int64
    /// Wall time (ms) of each post in the window, oldest first.
    public private(set) var spent: [Int64] = []

    public init(limit: Int, window: Int64, spent: [Int64] = []) {
        self.limit = max(limit, 1)
        self.window = max(window, 1)
        self.spent = spent.sorted()
    }

    /// Posts still allowed at `now`.
    public func remaining(at now: Int64) -> Int {
        limit - spent.reduce(0) { $0 + ($1 > now - window ? 1 : 0) }
    }

    /// Counts a post at `now` (forgetting those out of the window).
    public mutating func spend(at now: Int64) {
        spent.removeAll { $0 <= now - window }
        spent.append(now)
        spent.sort()
    }

    /// The wall time at which one more post becomes allowed (`now` when one is).
    public func nextFree(at now: Int64) -> Int64 {
        let live = spent.filter { $0 > now - window }
        guard live.count >= limit else { return now }
        return live[live.count - limit] + window
    }
}

/// Wall-clock time in ms since the epoch: what budgets and digest
/// intervals run on (DESIGN: wall time only for I/O, retries and posting
/// budgets). Tests pass one moved by hand.
public protocol WallClock: Sendable {
    var milliseconds: Int64 { get }
}

/// CLOCK_REALTIME.
public struct SystemWallClock: WallClock {
    public init() {}

    public var milliseconds: Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000
    }
}
