/// What a post may say, and nothing else: these types are all a template
/// can reach, and none of them holds a device id, a seq, a raw sensor
/// value, an exact timestamp, an address or a firmware version (DESIGN,
/// wear-alert: "anonymous by construction"). A device appears only as its
/// day's pseudonym, time only as the UTC hour.

/// An incident's category, from `why` and `flags`.
public enum AlertCategory: String, Sendable, CaseIterable, Comparable {
    case physiology, tamper, sensor, traffic

    public static func < (a: Self, b: Self) -> Bool {
        allCases.firstIndex(of: a) ?? 0 < allCases.firstIndex(of: b) ?? 0
    }
}

/// Why the post: the incident opened, or escalated.
public enum IncidentStatus: String, Sendable, CaseIterable {
    case opened, escalated
}

/// How bad, in words (the alert stage maps scores to these).
public enum PostSeverity: String, Sendable, CaseIterable {
    case low, medium, high, critical
}

/// One entry of wear-score's `why`, without its `z`: a feature name and a
/// test kind. A feature name is a configured name (`hr`, `acc_mag`, `all`),
/// never data; one that is not 1-32 ASCII letters, digits or `_` is refused.
public struct WhyItem: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case level, change, stuck
    }

    public let feature: String
    public let kind: Kind

    /// nil unless `feature` is 1-32 of `[A-Za-z0-9_]` and `kind` is level, change or stuck.
    public init?(feature: String, kind: String) {
        guard let kind = Kind(rawValue: kind), (1...32).contains(feature.unicodeScalars.count),
              feature.unicodeScalars.allSatisfy({ $0 == "_" || TweetURLs.isASCIIAlphanumeric($0) }) else { return nil }
        self.feature = feature
        self.kind = kind
    }

    /// "hr change".
    public var text: String { feature + " " + kind.rawValue }
}

/// The facts of an incident post.
public struct IncidentPost: Sendable, Equatable {
    /// The device's pseudonym for the incident's day: 8 of `A-Z2-7`.
    public let pseudonym: String
    public var category: AlertCategory
    public var severity: PostSeverity
    /// Event time (ms) of the incident's first anomaly; posts show its UTC hour.
    public var opened: Int64
    /// Anomalous records so far.
    public var count: Int
    public var why: [WhyItem]
    public var status: IncidentStatus

    /// The pseudonym is computed here (`key`, the UTC date of `opened`,
    /// `dev`); `dev` itself is not kept.
    public init(dev: String, key: PseudonymKey, category: AlertCategory, severity: PostSeverity,
                opened: Int64, count: Int, why: [WhyItem], status: IncidentStatus) {
        self.init(checked: key.pseudonym(dev: dev, eventTime: opened), category: category, severity: severity,
                  opened: opened, count: count, why: why, status: status)
    }

    /// With a pseudonym already computed; nil unless it is 8 of `A-Z2-7`.
    public init?(pseudonym: String, category: AlertCategory, severity: PostSeverity,
                 opened: Int64, count: Int, why: [WhyItem], status: IncidentStatus) {
        guard pseudonym.unicodeScalars.count == 8,
              pseudonym.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) || ("2"..."7").contains($0) }) else { return nil }
        self.init(checked: pseudonym, category: category, severity: severity, opened: opened, count: count, why: why,
                  status: status)
    }

    private init(checked pseudonym: String, category: AlertCategory, severity: PostSeverity,
                 opened: Int64, count: Int, why: [WhyItem], status: IncidentStatus) {
        self.pseudonym = pseudonym
        self.category = category
        self.severity = severity
        self.opened = opened
        self.count = count
        self.why = why
        self.status = status
    }
}

/// The facts of a digest post: what the budget could not post one by one.
public struct DigestPost: Sendable, Equatable {
    /// Incidents per category (zero counts are left out of the text).
    public var counts: [AlertCategory: Int]
    /// The window's length in ms ("in the last hour": 3,600,000).
    public var window: Int64
    /// Event time (ms) the window ends; posts show its UTC hour.
    public var end: Int64

    public init(counts: [AlertCategory: Int], window: Int64, end: Int64) {
        self.counts = counts
        self.window = window
        self.end = end
    }

    /// All incidents in the digest.
    public var count: Int { counts.values.reduce(0, +) }
}

/// How posts write times and durations.
public enum PostTime {
    /// "2026-12-03 14:00Z": the UTC hour of an event time, never finer.
    public static func hour(_ ms: Int64) -> String {
        let day = UTCDate.day(ms)
        let hour = (ms - day * 86_400_000) / 3_600_000
        return UTCDate.string(day: day) + " " + (hour < 10 ? "0" : "") + String(hour) + ":00Z"
    }

    /// "hour", "3 hours", "30 minutes", "day", "2 days": a window's length
    /// in the largest whole unit (minutes at least).
    public static func window(_ ms: Int64) -> String {
        let minutes = max(ms / 60_000, 1)
        for (size, unit) in [(Int64(1440), "day"), (60, "hour")] where minutes % size == 0 {
            let n = minutes / size
            return n == 1 ? unit : "\(n) \(unit)s"
        }
        return minutes == 1 ? "minute" : "\(minutes) minutes"
    }
}
