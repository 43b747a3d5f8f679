import Foundation
import Testing
import WearTesting

/// pipelines/monitoring/grafana/wear.json is a dashboard current Grafana
/// imports (schema 39, the Prometheus data source as an input), every panel
/// queries something, and every metric its queries name is one the stages
/// export in a real run (read from their metrics files) or a recording rule.
@Suite(.timeLimit(.minutes(3))) struct GrafanaDashboardTests {
    static let file = Monitoring.folder.appendingPathComponent("grafana/wear.json")

    static func dashboard() throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: try Data(contentsOf: file))
        return try #require(object as? [String: Any], "wear.json is not a JSON object")
    }

    /// Every panel, rows' nested panels included.
    static func panels(_ dashboard: [String: Any]) -> [[String: Any]] {
        let top = dashboard["panels"] as? [[String: Any]] ?? []
        return top + top.flatMap { $0["panels"] as? [[String: Any]] ?? [] }
    }

    /// The metric names a PromQL expression reads: identifiers outside
    /// strings, label matchers, ranges and grouping clauses that are neither
    /// functions, keywords nor variables.
    static func metricNames(in expression: String) throws -> Set<String> {
        var text = expression
        for pattern in [#""(?:[^"\\]|\\.)*""#, #"\{[^}]*\}"#, #"\[[^\]]*\]"#, #"\$\{?\w+\}?"#,
                        #"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)"#] {
            text = text.replacingOccurrences(of: pattern, with: " ", options: .regularExpression)
        }
        let keywords: Set<String> = ["and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right",
                                     "bool", "offset", "inf", "nan"]
        var names: Set<String> = []
        let identifier = try NSRegularExpression(pattern: #"(?<![\w:.])([A-Za-z_:][\w:]*)(\s*\()?"#)
        let range = NSRange(text.startIndex..., in: text)
        for match in identifier.matches(in: text, range: range) {
            guard match.range(at: 2).location == NSNotFound, let name = Range(match.range(at: 1), in: text) else { continue }
            let word = String(text[name])
            if !keywords.contains(word.lowercased()) { names.insert(word) }
        }
        return names
    }

    /// The recording rules' names.
    static func recordedNames() throws -> Set<String> {
        let rules = try String(contentsOf: Monitoring.folder.appendingPathComponent("rules/wear-records.yml"), encoding: .utf8)
        return Set(rules.split(separator: "\n").compactMap { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            return trimmed.hasPrefix("- record: ") ? String(trimmed.dropFirst("- record: ".count)) : nil
        })
    }

    /// The sample names the stages' metrics files declare (# TYPE lines; a
    /// histogram's _bucket, _sum and _count), from a real run of the pipe.
    static func exportedNames() throws -> Set<String> {
        let pipeline = try MonitoringPipeline(devices: 10, duration: "1m", realtime: false)
        defer { pipeline.stop() }
        try pipeline.waitForExit()
        var names: Set<String> = []
        for stage in MonitoringPipeline.stages {
            let text = pipeline.metrics(of: stage)
            guard !text.isEmpty else { throw TestSupportError("\(stage) wrote no metrics file; stderr:\n\(pipeline.stderr)") }
            for line in text.split(separator: "\n") where line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                guard parts.count == 4 else { continue }
                let name = String(parts[2])
                names.insert(name)
                if parts[3] == "histogram" { names.formUnion(["_bucket", "_sum", "_count"].map { name + $0 }) }
            }
        }
        return names
    }

    @Test func theNameFinderSkipsFunctionsLabelsAndGrouping() throws {
        #expect(try Self.metricNames(in: #"sum by (le) (rate(wear_score_score_bucket{instance=~"$instance",le!="x y"}[5m]))"#)
                == ["wear_score_score_bucket"])
        #expect(try Self.metricNames(in: "a:b:c / on (instance) (wear_x > 0) and time() - up offset 5m")
                == ["a:b:c", "wear_x", "up"])
    }

    @Test func isImportableIntoCurrentGrafana() throws {
        let dashboard = try Self.dashboard()
        let schema = try #require(dashboard["schemaVersion"] as? Int)
        #expect((36...41).contains(schema), "schemaVersion \(schema)")
        let inputs = try #require(dashboard["__inputs"] as? [[String: Any]])
        #expect(inputs.contains { $0["name"] as? String == "DS_PROMETHEUS" && $0["pluginId"] as? String == "prometheus" })
        #expect(dashboard["uid"] as? String == "wear-pipeline")
        #expect(dashboard["title"] as? String == "wear pipeline")
        let variables = (dashboard["templating"] as? [String: Any])?["list"] as? [[String: Any]] ?? []
        #expect(variables.contains { $0["type"] as? String == "datasource" && $0["query"] as? String == "prometheus" })
        // Unique panel ids, and every panel on the 24-column grid.
        let panels = Self.panels(dashboard)
        #expect(Set(panels.compactMap { $0["id"] as? Int }).count == panels.count)
        for panel in panels {
            let grid = try #require(panel["gridPos"] as? [String: Int], "\(panel["title"] ?? "?") has no gridPos")
            #expect((grid["x"] ?? -1) >= 0 && (grid["x"] ?? 0) + (grid["w"] ?? 0) <= 24, "\(panel["title"] ?? "?")")
        }
    }

    @Test func everyPanelQueriesMetricsTheStagesExportOrRulesRecord() throws {
        let dashboard = try Self.dashboard()
        let known = try Self.exportedNames().union(try Self.recordedNames())
        #expect(known.contains("wear_alert_outbox_pending") && known.contains("wear_score_state_last_save_time_seconds"), "\(known.sorted())")
        var queried: Set<String> = []
        let panels = Self.panels(dashboard).filter { $0["type"] as? String != "row" }
        #expect(panels.count >= 12)
        for panel in panels {
            let title = panel["title"] as? String ?? "?"
            let targets = panel["targets"] as? [[String: Any]] ?? []
            #expect(!targets.isEmpty, "panel \(title) has no query")
            #expect((panel["datasource"] as? [String: String])?["uid"] == "${DS_PROMETHEUS}", "panel \(title)'s data source")
            for target in targets {
                let expression = target["expr"] as? String ?? ""
                #expect(!expression.isEmpty, "panel \(title) has an empty query")
                let names = try Self.metricNames(in: expression)
                #expect(!names.isEmpty, "panel \(title): no metric in \(expression)")
                for name in names { #expect(known.contains(name), "panel \(title): \(name) is neither exported nor recorded") }
                queried.formUnion(names)
            }
        }
        // What the issue asks the dashboard to show.
        for name in ["instance_stage:wear_records_in:rate1m", "instance_stage_reason:wear_records_rejected:rate5m",
                     "instance_le:wear_score_score_bucket:rate5m", "wear_alert_incidents_open", "instance_kind:wear_alert_posts:increase1h",
                     "wear_alert_outbox_pending", "instance:wear_score_state_age:seconds"] {
            #expect(queried.contains(name), "no panel shows \(name)")
        }
    }
}
