import Foundation
import Testing
import WearCore
@testable import WearDashboard

@Suite struct DashboardPageTests {
    static func view() -> DashboardView {
        var history = DashboardHistory(window: 300)
        for (index, time) in stride(from: 1_763_700_000.0, through: 1_763_700_060, by: 2).enumerated() {
            history.add(PipelineSnapshot(time: time, samples: [
                MetricSample(name: "wear_records_in_total", labels: ["stage": "wear-filter"], value: Double(index * 40)),
                MetricSample(name: "wear_records_in_total", labels: ["stage": "wear-score"], value: Double(index * 30)),
                MetricSample(name: "wear_records_rejected_total", labels: ["stage": "wear-filter", "reason": "rule:<script>"], value: 4),
                MetricSample(name: "wear_score_score_bucket", labels: ["stage": "wear-score", "le": "0.5"], value: 100),
                MetricSample(name: "wear_score_score_bucket", labels: ["stage": "wear-score", "le": "+Inf"], value: 120),
                MetricSample(name: "wear_alert_incidents_open", labels: ["stage": "wear-alert"], value: 3),
            ]))
        }
        return history.view(posts: [RecentPost(status: "posted", text: "Tamper alert on device KQ4DFA2B <b>now</b> #ShitOpsCyberWatch")])
    }

    @Test func thePageIsSelfContainedAndReloadsItself() {
        let page = DashboardPage.render(Self.view(), refresh: 5)
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(page.contains(#"<meta http-equiv="refresh" content="5">"#))
        #expect(!page.contains("<script"), "no script")
        #expect(!page.contains("http://") && !page.contains("https://") && !page.contains("src="), "no external asset")
    }

    @Test func drawsEachStagesRateAsALineWithAPointPerSample() {
        let page = DashboardPage.render(Self.view(), refresh: 5)
        #expect(page.contains(#"data-name="wear-filter" data-points="30""#))
        #expect(page.contains(#"data-name="wear-score" data-points="30""#))
        #expect(page.contains("20/s"), "the filter's last rate, 40 records in 2 s")
        #expect(page.components(separatedBy: "class=\"bar\"").count - 1 == 3, "one reject bar, two histogram bars")
        #expect(page.contains(">3</div><div class=\"label\">open now"))
    }

    @Test func escapesEveryTextFromTheFiles() {
        let page = DashboardPage.render(Self.view(), refresh: 5)
        #expect(page.contains("rule:&lt;script&gt;") && !page.contains("rule:<script>"))
        #expect(page.contains("KQ4DFA2B &lt;b&gt;now&lt;/b&gt;") && !page.contains("<b>now</b>"))
    }

    @Test func anEmptyHistoryStillRenders() {
        let page = DashboardPage.render(DashboardHistory(window: 60).view(), refresh: 5)
        #expect(page.contains("no metrics file read yet") && page.contains("no posts yet"))
    }
}
