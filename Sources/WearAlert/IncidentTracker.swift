import WearCore

/// Incidents in event time (docs/wear-alert.md, "Incidents"): an anomaly
/// opens or extends the incident of its (device, category); `quiet` ms of
/// event time without one closes it. Pure: no clock, no I/O; event time
/// comes from the records.
///
/// - **Event time** is the stream's watermark: the latest record time seen
///   (any record, anomalous or not: `advance(to:)`). It never moves back.
/// - **Closing**: an incident closes when the watermark is more than
///   `quiet` past its last anomaly. An anomaly that arrives later than that
///   for the same key closes the old incident and opens a new one; the
///   others are swept when the watermark passes the earliest closing time
///   (at most one sweep per `quiet / 16` of event time, so a sweep, which
///   visits every open incident, stays rare).
/// - **Out of order**: an anomaly older than the incident's last one
///   extends it (count and severity) without moving `opened` or `last`
///   back; one older than the watermark by more than `quiet`, for a key
///   with no open incident, opens one as usual (it closes at the next sweep).
/// - **Bounded**: at most `maxIncidents` open; opening one more evicts the
///   incident seen least recently (counted in `evictions`; it is forgotten,
///   as if closed, and its post or digest entry stands).
public final class IncidentTracker {
    /// What an anomaly did.
    public enum Event: Equatable, Sendable {
        case opened(Incident)
        /// The incident's severity rose (from the severity before).
        case escalated(Incident, from: PostSeverity)
        case extended(Incident)

        public var incident: Incident {
            switch self {
            case .opened(let incident), .escalated(let incident, _), .extended(let incident): incident
            }
        }
    }

    public let quiet: Int64
    public let maxIncidents: Int
    /// For the pseudonyms of incidents opened from now on (SIGHUP may replace it).
    public var key: PseudonymKey
    private let incidents: BoundedMap<Incident>
    /// The latest event time seen (nil before the first record).
    public private(set) var watermark: Int64?
    /// The watermark at which the next sweep runs.
    public private(set) var nextSweep: Int64 = .max

    public private(set) var openedCount = 0
    public private(set) var escalatedCount = 0
    public private(set) var closedCount = 0
    /// Anomalies older than their incident's last one.
    public private(set) var lateCount = 0

    /// `quiet`: ms of event time; `key`: for the pseudonyms of new incidents.
    public init(quiet: Int64, maxIncidents: Int, key: PseudonymKey) {
        self.quiet = max(quiet, 1)
        self.maxIncidents = max(maxIncidents, 1)
        self.key = key
        incidents = BoundedMap(capacity: self.maxIncidents, inlineKeyBytes: 24)
    }

    public var openCount: Int { incidents.count }
    public var evictions: Int { incidents.evictions }

    /// The open incidents, least recently seen first (the state file's order).
    public var open: [Incident] {
        var all: [Incident] = []
        all.reserveCapacity(incidents.count)
        incidents.forEachLeastRecentFirst { _, incident in all.append(incident) }
        return all
    }

    /// Moves event time to `time` (if later) and closes what has been quiet
    /// too long; returns the incidents closed.
    @discardableResult
    public func advance(to time: Int64) -> [Incident] {
        guard time > watermark ?? .min else { return [] }
        watermark = time
        return time >= nextSweep ? sweep(at: time) : []
    }

    /// Opens, extends or escalates the incident of `anomaly`'s device and category.
    public func observe(_ anomaly: Anomaly) -> Event {
        advance(to: anomaly.time)
        let mapKey = Self.key(dev: anomaly.dev, category: anomaly.category)
        if var incident = incidents.value(forKey: mapKey) {
            if anomaly.time - incident.last <= quiet {
                incident.count += 1
                if anomaly.time < incident.last { lateCount += 1 }
                incident.last = max(incident.last, anomaly.time)
                let before = incident.severity
                if anomaly.severity > before {
                    incident.severity = anomaly.severity
                    incident.why = anomaly.why
                }
                incidents.insert(incident, forKey: mapKey)
                guard anomaly.severity > before else { return .extended(incident) }
                escalatedCount += 1
                return .escalated(incident, from: before)
            }
            closedCount += 1
        }
        let incident = Incident(opening: anomaly, pseudonym: key.pseudonym(dev: anomaly.dev, eventTime: anomaly.time))
        incidents.insert(incident, forKey: mapKey)
        openedCount += 1
        nextSweep = min(nextSweep, incident.last + quiet + 1)
        return .opened(incident)
    }

    /// Records that the incident's announcement went to the digest queue.
    public func markFolded(_ incident: Incident) {
        let mapKey = Self.key(dev: incident.dev, category: incident.category)
        guard var stored = incidents.value(forKey: mapKey), stored.id == incident.id else { return }
        stored.folded = true
        incidents.insert(stored, forKey: mapKey)
    }

    /// Puts back incidents from a state file (least recently seen first)
    /// and the event time they were saved at.
    public func restore(_ saved: [Incident], watermark: Int64?, nextSweep: Int64) {
        for incident in saved {
            incidents.insert(incident, forKey: Self.key(dev: incident.dev, category: incident.category))
        }
        self.watermark = watermark
        self.nextSweep = nextSweep
    }

    private func sweep(at time: Int64) -> [Incident] {
        var closed: [(key: [UInt8], incident: Incident)] = []
        var earliest = Int64.max
        incidents.forEach { key, incident in
            if time - incident.last > quiet {
                closed.append((Array(key), incident))
            } else {
                earliest = min(earliest, incident.last + quiet + 1)
            }
        }
        for entry in closed { incidents.removeValue(forKey: entry.key) }
        closedCount += closed.count
        nextSweep = earliest == .max ? .max : max(earliest, time + max(quiet / 16, 1))
        return closed.map(\.incident)
    }

    /// The map key: the category's byte, then the device id (no separator
    /// to confuse: the category is one byte).
    static func key(dev: String, category: AlertCategory) -> [UInt8] {
        [UInt8(AlertCategory.allCases.firstIndex(of: category) ?? 0)] + Array(dev.utf8)
    }
}
