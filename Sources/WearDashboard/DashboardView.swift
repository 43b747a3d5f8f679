/// What the page shows: bounded facts only (stages, reject reasons, counts,
/// public post texts), never a device id or a label value from a record.
public struct DashboardView: Sendable {
    public var time: Double
    public var window: Double
    public var start: Double = 0
    public var stages: [StageView] = []
    public var rejects: [RejectView] = []
    public var scoreBuckets: [BucketView] = []
    public var scored: Double?
    public var incidentsOpen: Double?
    public var incidentEvents: [String: Double] = [:]
    public var postsByKind: [String: Double] = [:]
    public var budgetRemaining: Double?
    public var digestQueue: Double?
    public var outboxPending: Double?
    public var outboxSeries: [(time: Double, value: Double)] = []
    /// Seconds since wear-score last saved --state (nil: no state).
    public var stateAge: Double?
    public var posts: [RecentPost] = []
    public var problems: [String] = []

    public init(time: Double, window: Double) {
        self.time = time
        self.window = window
    }
}

public struct StageView: Sendable {
    public var name: String
    public var recordsIn: Double
    public var recordsOut: Double
    public var rejected: Double
    public var rates: [(time: Double, perSecond: Double)]
    public var fileAge: Double?
}

public struct RejectView: Sendable, Equatable {
    public var stage: String
    public var reason: String
    public var count: Double
}

public struct BucketView: Sendable, Equatable {
    public var upperBound: Double
    public var count: Double
}
