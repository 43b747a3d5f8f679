import WearCore

/// The last `window` seconds of snapshots, and what the page shows from
/// them. Pure: it is given each snapshot and never reads a clock or a file.
public struct DashboardHistory: Sendable {
    public let window: Double
    public private(set) var snapshots: [PipelineSnapshot] = []

    public init(window: Double) { self.window = window }

    /// Adds `snapshot` and forgets what is older than the window before it.
    public mutating func add(_ snapshot: PipelineSnapshot) {
        snapshots.append(snapshot)
        snapshots.removeAll { $0.time < snapshot.time - window }
    }

    /// Records per second into `stage` between consecutive writes of its
    /// file (a counter that went down restarted: the rate counts from 0).
    /// Timed by when the stage wrote the file, not when it was read, and
    /// readings of the same write are skipped: sampling every 2 s a file
    /// rewritten every 10 s would otherwise draw four zeros and a spike.
    public func rates(of name: String = "wear_records_in_total", stage: String) -> [(time: Double, perSecond: Double)] {
        var points: [(time: Double, perSecond: Double)] = []
        var previous: (written: Double, value: Double)?
        for snapshot in snapshots {
            guard let value = snapshot.sum(name, ["stage": stage]) else { continue }
            let written = snapshot.time - (snapshot.fileAges[stage] ?? 0)
            if let last = previous {
                guard written > last.written + 0.001 else { continue }
                let delta = value >= last.value ? value - last.value : value
                points.append((written, delta / (written - last.written)))
            }
            previous = (written, value)
        }
        return points
    }

    /// A gauge's values over the window.
    public func series(_ name: String) -> [(time: Double, value: Double)] {
        snapshots.compactMap { snapshot in snapshot.sum(name).map { (snapshot.time, $0) } }
    }

    /// What the page draws, from the latest snapshot and the window, with `posts` from the receipts.
    public func view(posts: [RecentPost] = []) -> DashboardView {
        guard let latest = snapshots.last else { return DashboardView(time: 0, window: window) }
        var view = DashboardView(time: latest.time, window: window)
        view.start = snapshots.first?.time ?? latest.time
        view.stages = latest.stages.map { stage in
            StageView(name: stage, recordsIn: latest.sum("wear_records_in_total", ["stage": stage]) ?? 0,
                      recordsOut: latest.sum("wear_records_out_total", ["stage": stage]) ?? 0,
                      rejected: latest.sum("wear_records_rejected_total", ["stage": stage]) ?? 0,
                      rates: rates(stage: stage), fileAge: latest.fileAges[stage])
        }
        view.rejects = Self.rejects(latest.samples)
        view.scoreBuckets = Self.buckets(latest.samples.filter { $0.name == "wear_score_score_bucket" })
        view.scored = latest.sum("wear_score_score_count")
        view.incidentsOpen = latest.sum("wear_alert_incidents_open")
        view.incidentEvents = latest.sums("wear_alert_incidents_total", by: "event")
        view.postsByKind = latest.sums("wear_alert_posts_total", by: "kind")
        view.budgetRemaining = latest.sum("wear_alert_budget_remaining")
        view.digestQueue = latest.sum("wear_alert_digest_queue")
        view.outboxPending = latest.sum("wear_alert_outbox_pending")
        view.outboxSeries = series("wear_alert_outbox_pending")
        if let saved = latest.sum("wear_score_state_last_save_time_seconds") {
            let since = saved > 0 ? saved : latest.sum("wear_stage_start_time_seconds", ["stage": "wear-score"]) ?? latest.time
            view.stateAge = max(0, latest.time - since)
        }
        view.posts = posts
        view.problems = latest.problems
        return view
    }

    /// Rejects by stage and reason, most first (then by stage and reason).
    static func rejects(_ samples: [MetricSample]) -> [RejectView] {
        var rejects: [RejectView] = []
        for sample in samples where sample.name == "wear_records_rejected_total" && sample.value > 0 {
            guard let stage = sample["stage"], let reason = sample["reason"] else { continue }
            rejects.append(RejectView(stage: stage, reason: reason, count: sample.value))
        }
        return rejects.sorted { left, right in
            if left.count != right.count { return left.count > right.count }
            return (left.stage, left.reason) < (right.stage, right.reason)
        }
    }

    /// Cumulative histogram buckets (`le`) as the count in each bucket, by upper bound, +Inf last.
    static func buckets(_ samples: [MetricSample]) -> [BucketView] {
        var cumulative: [Double: Double] = [:]
        for sample in samples {
            guard let bound = sample["le"].flatMap(MetricsText.number) else { continue }
            cumulative[bound, default: 0] += sample.value
        }
        var previous = 0.0
        return cumulative.keys.sorted().map { bound in
            let total = cumulative[bound] ?? 0
            defer { previous = total }
            return BucketView(upperBound: bound, count: max(0, total - previous))
        }
    }
}
