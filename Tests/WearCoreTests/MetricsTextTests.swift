import Testing
@testable import WearCore
import WearTesting

@Suite struct MetricsTextTests {
    @Test func readsSamplesLabelsAndSkipsComments() {
        let text = """
            # HELP wear_records_in_total Records read (non-blank input lines).
            # TYPE wear_records_in_total counter
            wear_records_in_total{stage="wear-filter"} 44

            wear_records_rejected_total{stage="wear-filter",reason="rule:flood"} 3
            wear_score_score_bucket{stage="wear-score",le="+Inf"} 1.5e3
            up 1
            """
        let parsed = MetricsText.parse(text)
        #expect(parsed.malformed == 0)
        #expect(parsed.samples == [
            MetricSample(name: "wear_records_in_total", labels: ["stage": "wear-filter"], value: 44),
            MetricSample(name: "wear_records_rejected_total", labels: ["stage": "wear-filter", "reason": "rule:flood"], value: 3),
            MetricSample(name: "wear_score_score_bucket", labels: ["stage": "wear-score", "le": "+Inf"], value: 1500),
            MetricSample(name: "up", value: 1),
        ])
    }

    @Test(arguments: [
        (#"m{a="x\"y"} 1"#, "x\"y"), (#"m{a="back\\slash"} 1"#, "back\\slash"), (#"m{a="two\nlines"} 1"#, "two\nlines"),
        (#"m{ a = "spaced" , } 1"#, "spaced"), (#"m{a="ünïcode ✓"} 1"#, "ünïcode ✓"),
    ])
    func unescapesLabelValues(_ line: String, _ value: String) {
        #expect(MetricsText.parseSample(Array(line.utf8))?.labels["a"] == value)
    }

    @Test func readsSpecialValuesAndATimestamp() throws {
        #expect(try #require(MetricsText.parseSample(Array("m NaN".utf8))).value.isNaN)
        #expect(MetricsText.parseSample(Array("m +Inf".utf8))?.value == .infinity)
        #expect(MetricsText.parseSample(Array("m -Inf".utf8))?.value == -.infinity)
        #expect(MetricsText.parseSample(Array("m{a=\"b\"} 7 1763700000000".utf8))?.value == 7)
    }

    @Test(arguments: ["{a=\"b\"} 1", "m{a=\"b} 1", "m{a=b} 1", "m{a=\"b\"}", "m 1x", "m 1 2 3", "9m 1", "m{a=\"b\" c=\"d\"} 1"])
    func refusesWhatIsNotASample(_ line: String) {
        #expect(MetricsText.parseSample(Array(line.utf8)) == nil, "\(line)")
        #expect(MetricsText.parse(line).malformed == 1)
    }

    @Test func valuesAreKeyedByNameAndLabelsSortedByName() {
        let text = """
            # TYPE wear_cpu_seconds_total counter
            wear_cpu_seconds_total{stage="wear-score",mode="user"} 1.5
            wear_cpu_seconds_total{stage="wear-score",mode="system"} 0.25
            up 1
            """
        let values = MetricsText.values(text)
        #expect(values == [#"wear_cpu_seconds_total{mode="user",stage="wear-score"}"#: 1.5,
                           #"wear_cpu_seconds_total{mode="system",stage="wear-score"}"#: 0.25,
                           "up": 1])
        #expect(MetricSample(name: "m", labels: ["b": "2", "a": "1"], value: 0).series == #"m{a="1",b="2"}"#)
    }

    @Test func aMetricsFileGivesItsStagesLedger() throws {
        let text = """
            wear_records_in_total{stage="wear-filter"} 10
            wear_records_out_total{stage="wear-filter"} 7
            wear_records_rejected_total{stage="wear-filter",reason="rule:flood"} 2
            wear_records_rejected_total{stage="wear-filter",reason="bad_json"} 1
            wear_records_in_total{stage="wear-score"} 7
            """
        let ledger = try #require(LedgerSummary.parse(metrics: text, stage: "wear-filter"))
        #expect(ledger.recordsIn == 10 && ledger.recordsOut == 7 && ledger.rejected == 3)
        #expect(ledger.byReason == ["rule:flood": 2, "bad_json": 1])
        #expect(ledger.balances)
        #expect(LedgerSummary.parse(metrics: text, stage: "wear-score") == nil, "no out counter yet")
        #expect(LedgerSummary.parse(metrics: "", stage: "wear-filter") == nil)
    }
}
