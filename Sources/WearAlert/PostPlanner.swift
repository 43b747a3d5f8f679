/// What to do with each announcement under the budget (docs/wear-alert.md,
/// "Budget and digests"). Pure: wall time comes in as `now` (ms).
///
/// - An incident's own post (opening or escalation) is allowed while at
///   least two posts remain in the budget: the last one is kept for a
///   digest, so what overflows can always be announced.
/// - An opening that is not allowed is *folded*: queued for the next
///   digest (its receipt says `queued`, later `digest`).
/// - An escalation that is not allowed, or of a folded incident, is not
///   posted (counted; the incident is already in a post or a digest).
/// - A digest is due `digestInterval` after the oldest queued incident was
///   queued, once a post remains; it costs one post and empties the queue.
/// - At the end (`finish`), what is queued stays queued when a state file
///   carries it to the next run (a restart changes nothing: a split run
///   writes what one run writes); without one it goes into a digest now,
///   past the budget if need be (said in the log: no incident vanishes).
public struct PostPlanner: Sendable, Equatable {
    public enum Decision: Equatable, Sendable {
        case post
        case fold
        case skip
    }

    public var budget: PostBudget
    public var queue: DigestQueue
    /// ms of wall time.
    public let digestInterval: Int64

    public private(set) var escalationsSkipped = 0

    public init(budget: PostBudget, queue: DigestQueue = DigestQueue(), digestInterval: Int64) {
        self.budget = budget
        self.queue = queue
        self.digestInterval = max(digestInterval, 1)
    }

    /// An incident opened at wall time `now`: post it (the budget is spent)
    /// or fold it (it is queued).
    public mutating func admitOpening(_ incident: Incident, at now: Int64) -> Decision {
        if budget.remaining(at: now) >= 2 {
            budget.spend(at: now)
            return .post
        }
        queue.append(QueuedIncident(incident, at: now))
        return .fold
    }

    /// An incident escalated: post it or skip it.
    public mutating func admitEscalation(_ incident: Incident, at now: Int64) -> Decision {
        guard !incident.folded, budget.remaining(at: now) >= 2 else {
            escalationsSkipped += 1
            return .skip
        }
        budget.spend(at: now)
        return .post
    }

    /// The digest due at `now`, if any (the budget is spent); `end` is the
    /// event time it is made at.
    public mutating func dueDigest(at now: Int64, end: Int64) -> Digest? {
        guard let due = queue.due(interval: digestInterval), now >= due, budget.remaining(at: now) >= 1 else { return nil }
        budget.spend(at: now)
        return queue.takeDigest(end: end)
    }

    /// The digest to make at the end of the run: only when nothing would
    /// carry the queue over (`keepsQueue` false: no state file).
    /// `overBudget` says it went past the budget.
    public mutating func finalDigest(at now: Int64, end: Int64, keepsQueue: Bool) -> (digest: Digest, overBudget: Bool)? {
        guard !queue.isEmpty, !keepsQueue else { return nil }
        let remaining = budget.remaining(at: now)
        budget.spend(at: now)
        guard let digest = queue.takeDigest(end: end) else { return nil }
        return (digest, remaining < 1)
    }

    /// Wall time at which a digest can next be due (nil: nothing queued).
    public func nextWake(at now: Int64) -> Int64? {
        guard let due = queue.due(interval: digestInterval) else { return nil }
        return max(due, budget.nextFree(at: now))
    }
}
