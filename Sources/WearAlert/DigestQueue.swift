/// An incident waiting for a digest: what its receipt and the digest's
/// breakdown need, and when (wall time) it was queued.
public struct QueuedIncident: Sendable, Equatable {
    public var id: String
    public var dev: String
    public var pseudonym: String
    public var category: AlertCategory
    public var opened: Int64
    public var queuedAt: Int64

    public init(id: String, dev: String, pseudonym: String, category: AlertCategory, opened: Int64, queuedAt: Int64) {
        self.id = id
        self.dev = dev
        self.pseudonym = pseudonym
        self.category = category
        self.opened = opened
        self.queuedAt = queuedAt
    }

    init(_ incident: Incident, at now: Int64) {
        self.init(id: incident.id, dev: incident.dev, pseudonym: incident.pseudonym, category: incident.category,
                  opened: incident.opened, queuedAt: now)
    }
}

/// One digest post: its reference, the incidents it carries, its facts.
public struct Digest: Sendable, Equatable {
    /// `digest-3-1763703600000`: a sequence number (kept in the state
    /// file) and the event time it was made at.
    public let id: String
    public let incidents: [QueuedIncident]
    public let facts: DigestPost
}

/// Which incidents the budget could not post, in the order they came, and
/// when to fold them into a digest.
public struct DigestQueue: Sendable, Equatable {
    public private(set) var entries: [QueuedIncident]
    /// Digests made so far (their ids count on from it).
    public private(set) var sequence: UInt64

    public init(entries: [QueuedIncident] = [], sequence: UInt64 = 0) {
        self.entries = entries
        self.sequence = sequence
    }

    public var isEmpty: Bool { entries.isEmpty }
    public var count: Int { entries.count }

    public mutating func append(_ entry: QueuedIncident) { entries.append(entry) }

    /// Wall time at which the queue is due: `interval` after its oldest entry.
    public func due(interval: Int64) -> Int64? {
        entries.first.map { $0.queuedAt + interval }
    }

    /// Empties the queue into a digest made at event time `end`. Its window,
    /// for "in the last hour", is the event time from the earliest incident's
    /// opening to `end`, rounded up to whole hours (posts are never finer
    /// than the hour).
    public mutating func takeDigest(end: Int64) -> Digest? {
        guard !entries.isEmpty else { return nil }
        sequence += 1
        var counts: [AlertCategory: Int] = [:]
        for entry in entries { counts[entry.category, default: 0] += 1 }
        let start = entries.map(\.opened).min() ?? end
        let hour: Int64 = 3_600_000
        let span = max(end - start, 1)
        let window = ((span + hour - 1) / hour) * hour
        let digest = Digest(id: "digest-\(sequence)-\(end)", incidents: entries,
                            facts: DigestPost(counts: counts, window: window, end: end))
        entries.removeAll()
        return digest
    }
}
