/// One anomalous record, as the tracker needs it: whose (the device id, for
/// the key and the pseudonym only), when (event time: `rx`, else `ts`, ms),
/// which category and how bad, and why (feature names and kinds, no values).
public struct Anomaly: Sendable, Equatable {
    public var dev: String
    public var time: Int64
    public var category: AlertCategory
    public var severity: PostSeverity
    public var why: [WhyItem]

    public init(dev: String, time: Int64, category: AlertCategory, severity: PostSeverity, why: [WhyItem]) {
        self.dev = dev
        self.time = time
        self.category = category
        self.severity = severity
        self.why = why
    }
}

/// An open incident: anomalies of one device in one category, none more
/// than `--quiet` of event time after the previous one.
///
/// `id` (`KQ4DFA2B-tamper-1763700011500`: pseudonym, category, opening event
/// time) names it in receipts and the state file; it is fixed when the
/// incident opens. `dev` stays on the backend (receipts, state), never in a
/// post: `post(status:)` gives the facts a template may use.
public struct Incident: Sendable, Equatable {
    public let id: String
    public let dev: String
    public let category: AlertCategory
    /// The device's pseudonym for the UTC day the incident opened.
    public let pseudonym: String
    /// Event time of the first anomaly seen (ms); never moves.
    public let opened: Int64
    /// Latest event time of its anomalies (ms); never moves back.
    public var last: Int64
    /// Anomalous records so far.
    public var count: Int
    /// The highest severity so far.
    public var severity: PostSeverity
    /// `why` of the record that set `severity`.
    public var why: [WhyItem]
    /// True when its announcement went to the digest queue instead of a
    /// post of its own (it then posts no escalations).
    public var folded: Bool

    public init(id: String, dev: String, category: AlertCategory, pseudonym: String, opened: Int64, last: Int64,
                count: Int, severity: PostSeverity, why: [WhyItem], folded: Bool) {
        self.id = id
        self.dev = dev
        self.category = category
        self.pseudonym = pseudonym
        self.opened = opened
        self.last = last
        self.count = count
        self.severity = severity
        self.why = why
        self.folded = folded
    }

    /// The incident opened by `anomaly`.
    init(opening anomaly: Anomaly, pseudonym: String) {
        self.init(id: "\(pseudonym)-\(anomaly.category.rawValue)-\(anomaly.time)", dev: anomaly.dev,
                  category: anomaly.category, pseudonym: pseudonym, opened: anomaly.time, last: anomaly.time,
                  count: 1, severity: anomaly.severity, why: anomaly.why, folded: false)
    }

    /// What a post about it may say.
    public func post(status: IncidentStatus) -> IncidentPost? {
        IncidentPost(pseudonym: pseudonym, category: category, severity: severity, opened: opened, count: count,
                     why: why, status: status)
    }
}
