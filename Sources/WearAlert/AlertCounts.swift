import WearCore

/// wear-alert's own counters, and their metrics (labels are bounded sets:
/// event, kind, status; never a device or an incident).
struct AlertCounts {
    var anomalies = 0
    var closed = 0
    var folded = 0
    var digested = 0
    var incidentPosts = 0
    var digestPosts = 0
    var receipts: [AlertReceipt.Status: Int] = [:]

    func metrics(tracker: IncidentTracker, planner: PostPlanner, budgetRemaining: Int,
                 sink: [(status: String, count: Int)], outboxPending: Int? = nil) -> [MetricFamily] {
        let stage = (name: "stage", value: "wear-alert")
        func one(_ name: String, _ help: String, _ kind: MetricFamily.Kind, _ value: Int) -> MetricFamily {
            MetricFamily(name: name, help: help, kind: kind, samples: [.init(labels: [stage], value: Double(value))])
        }
        func labelled(_ name: String, _ help: String, _ label: String, _ values: [(String, Int)]) -> MetricFamily {
            MetricFamily(name: name, help: help, kind: .counter,
                         samples: values.map { .init(labels: [stage, (name: label, value: $0.0)], value: Double($0.1)) })
        }
        let outbox = outboxPending.map {
            [one("wear_alert_outbox_pending", "Posts in --outbox not delivered yet (--sink x).", .gauge, $0)]
        } ?? []
        return [
            one("wear_alert_anomalies_total", "Records at or above --threshold.", .counter, anomalies),
            labelled("wear_alert_incidents_total", "Incidents by event: opened, escalated, closed (quiet), evicted (--max-incidents).",
                     "event", [("opened", tracker.openedCount), ("escalated", tracker.escalatedCount),
                               ("closed", tracker.closedCount), ("evicted", tracker.evictions)]),
            one("wear_alert_incidents_open", "Incidents open now.", .gauge, tracker.openCount),
            labelled("wear_alert_posts_total", "Posts handed to the sink, by kind.", "kind",
                     [("incident", incidentPosts), ("digest", digestPosts)]),
            labelled("wear_alert_receipts_total", "Receipts written, by status.", "status",
                     AlertReceipt.Status.allCases.map { ($0.rawValue, receipts[$0] ?? 0) }),
            one("wear_alert_incidents_folded_total", "Incidents the budget could not post alone (queued for a digest).", .counter, folded),
            one("wear_alert_escalations_unposted_total", "Escalations the budget could not post (or of folded incidents).", .counter,
                planner.escalationsSkipped),
            one("wear_alert_digest_queue", "Incidents waiting for a digest.", .gauge, planner.queue.count),
            one("wear_alert_budget_remaining", "Posts the budget allows now (--budget, sliding window of wall time).", .gauge,
                budgetRemaining),
            labelled("wear_alert_sink_posts_total", "Posts by the sink's outcome.", "status", sink.map { ($0.status, $0.count) }),
        ] + outbox
    }
}
