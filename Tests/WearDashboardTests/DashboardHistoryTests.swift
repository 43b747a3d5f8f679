import Testing
import WearCore
@testable import WearDashboard

@Suite struct DashboardHistoryTests {
    static func snapshot(at time: Double, filterIn: Double, extra: [MetricSample] = []) -> PipelineSnapshot {
        PipelineSnapshot(time: time, samples: [
            MetricSample(name: "wear_records_in_total", labels: ["stage": "wear-filter"], value: filterIn),
            MetricSample(name: "wear_records_in_total", labels: ["stage": "wear-decrypt"], value: filterIn * 2),
        ] + extra, fileAges: ["wear-filter": 1])
    }

    @Test func ratesAreCountsBetweenSnapshotsOverTheirTimeAndARestartCountsFromZero() {
        var history = DashboardHistory(window: 600)
        for (time, count) in [(0.0, 0.0), (2, 20), (4, 60), (6, 10)] { history.add(Self.snapshot(at: time, filterIn: count)) }
        let rates = history.rates(stage: "wear-filter")
        #expect(rates.map(\.time) == [1, 3, 5], "timed by the writes: each file was 1 s old when read")
        #expect(rates.map(\.perSecond) == [10, 20, 5])
    }

    @Test func readingsOfTheSameWriteAreSkippedAndRatesAreTimedByTheWrites() {
        var history = DashboardHistory(window: 600)
        // The file is written at 0, 10 and 20 s (100, 300, 400 records) and read every 2 s.
        for time in stride(from: 0.0, through: 24, by: 2) {
            let written = (time / 10).rounded(.down) * 10
            let counts: [Double: Double] = [0: 100, 10: 300, 20: 400]
            let count = counts[written] ?? 0
            history.add(PipelineSnapshot(time: time, samples: [
                MetricSample(name: "wear_records_in_total", labels: ["stage": "wear-filter"], value: count),
            ], fileAges: ["wear-filter": time - written]))
        }
        let rates = history.rates(stage: "wear-filter")
        #expect(rates.map(\.time) == [10, 20])
        #expect(rates.map(\.perSecond) == [20, 10])
    }

    @Test func forgetsWhatIsOlderThanTheWindow() {
        var history = DashboardHistory(window: 10)
        for time in stride(from: 0.0, through: 30, by: 2) { history.add(Self.snapshot(at: time, filterIn: time)) }
        #expect(history.snapshots.map(\.time) == [20, 22, 24, 26, 28, 30])
    }

    @Test func theViewOrdersStagesAsThePipeAndTurnsCumulativeBucketsIntoCounts() {
        var history = DashboardHistory(window: 600)
        let buckets = [("0.5", 90.0), ("0.9", 97), ("0.99", 99), ("+Inf", 100)].map {
            MetricSample(name: "wear_score_score_bucket", labels: ["stage": "wear-score", "le": $0.0], value: $0.1)
        }
        let rejects = [MetricSample(name: "wear_records_rejected_total", labels: ["stage": "wear-filter", "reason": "rule:flood"], value: 3),
                       MetricSample(name: "wear_records_rejected_total", labels: ["stage": "wear-decrypt", "reason": "auth_failed"], value: 9)]
        let alert = [MetricSample(name: "wear_alert_incidents_open", labels: ["stage": "wear-alert"], value: 2),
                     MetricSample(name: "wear_alert_incidents_total", labels: ["stage": "wear-alert", "event": "opened"], value: 5),
                     MetricSample(name: "wear_alert_outbox_pending", labels: ["stage": "wear-alert"], value: 1),
                     MetricSample(name: "wear_score_state_last_save_time_seconds", labels: ["stage": "wear-score"], value: 70)]
        history.add(Self.snapshot(at: 50, filterIn: 10))
        history.add(Self.snapshot(at: 100, filterIn: 20, extra: buckets + rejects + alert))
        let view = history.view()
        #expect(view.stages.map(\.name) == ["wear-decrypt", "wear-filter", "wear-score", "wear-alert"])
        #expect(view.scoreBuckets == [BucketView(upperBound: 0.5, count: 90), BucketView(upperBound: 0.9, count: 7),
                                      BucketView(upperBound: 0.99, count: 2), BucketView(upperBound: .infinity, count: 1)])
        #expect(view.rejects == [RejectView(stage: "wear-decrypt", reason: "auth_failed", count: 9),
                                 RejectView(stage: "wear-filter", reason: "rule:flood", count: 3)])
        #expect(view.incidentsOpen == 2 && view.incidentEvents["opened"] == 5 && view.outboxPending == 1)
        #expect(view.stateAge == 30)
        #expect(view.stages[1].rates.map(\.perSecond) == [0.2])
    }
}
