import Testing
@testable import WearCore

@Suite struct PrometheusTextTests {
    @Test func rendersHelpTypeAndSamples() {
        let text = PrometheusText.render([
            MetricFamily(name: "wear_records_in_total", help: "Records read.", kind: .counter,
                         samples: [.init(labels: [("stage", "wear-filter")], value: 42)]),
            MetricFamily(name: "wear_lag_seconds", help: "Lag.", kind: .gauge, samples: [.init(value: 0.25)]),
        ])
        #expect(text == """
            # HELP wear_records_in_total Records read.
            # TYPE wear_records_in_total counter
            wear_records_in_total{stage="wear-filter"} 42
            # HELP wear_lag_seconds Lag.
            # TYPE wear_lag_seconds gauge
            wear_lag_seconds 0.25

            """)
    }

    @Test func escapesLabelValues() {
        #expect(PrometheusText.escapeLabel("a\"b\\c\nd") == #"a\"b\\c\nd"#)
    }

    @Test(arguments: [(Double.nan, "NaN"), (Double.infinity, "+Inf"), (-Double.infinity, "-Inf"), (3.0, "3"), (1e20, "1e+20")])
    func formatsSpecialValues(_ value: Double, _ text: String) {
        #expect(PrometheusText.format(value) == text)
    }
}
