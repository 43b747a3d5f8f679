import Foundation
import Glibc
import Testing
import WearTesting

/// The real scrape: Debian's node_exporter (textfile collector on the
/// pipeline's metrics directory) and Prometheus (pipelines/monitoring's
/// config with loopback ports and a 1 s interval, its rules) started on
/// free loopback ports, the four stages running live, and Prometheus's
/// HTTP API asked for `wear_records_in_total` of every stage and for
/// recording rules' results.
@Suite(.serialized, .timeLimit(.minutes(3))) struct MonitoringScrapeTests {
    /// pipelines/monitoring/prometheus.yml with node_exporter's port, a 1 s
    /// scrape and evaluation interval and the rule files' absolute paths.
    static func config(nodePort: Int) throws -> String {
        var text = try String(contentsOf: Monitoring.folder.appendingPathComponent("prometheus.yml"), encoding: .utf8)
        for (from, to) in [(#"["localhost:9100"]"#, #"["127.0.0.1:\#(nodePort)"]"#),
                           ("scrape_interval: 15s", "scrape_interval: 1s"),
                           ("evaluation_interval: 15s", "evaluation_interval: 1s"),
                           ("  - rules/", "  - \(Monitoring.folder.path)/rules/")] {
            guard text.contains(from) else { throw TestSupportError("prometheus.yml no longer has \(from)") }
            text = text.replacingOccurrences(of: from, with: to)
        }
        return text
    }

    /// The series of an instant query's answer: each one's labels and value.
    static func query(_ base: String, _ promql: String) -> [(labels: [String: String], value: Double)] {
        let escaped = promql.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? promql
        guard let answer = Monitoring.get("\(base)/api/v1/query?query=\(escaped)"), answer.status == 200,
              let document = try? JSONSerialization.jsonObject(with: answer.body) as? [String: Any],
              document["status"] as? String == "success",
              let data = document["data"] as? [String: Any], let result = data["result"] as? [[String: Any]] else { return [] }
        return result.compactMap { series in
            guard let metric = series["metric"] as? [String: String], let pair = series["value"] as? [Any],
                  pair.count == 2, let text = pair[1] as? String, let value = Double(text) else { return nil }
            return (metric, value)
        }
    }

    @Test func prometheusScrapesEveryStageThroughNodeExporterAndRecordsTheRates() throws {
        let prometheus = try Monitoring.tool("prometheus", package: "prometheus")
        let exporter = try Monitoring.tool("prometheus-node-exporter", package: "prometheus-node-exporter")
        let pipeline = try MonitoringPipeline()
        defer { pipeline.stop() }
        let scratch = try TemporaryDirectory()
        let nodePort = try Monitoring.freePort(), prometheusPort = try Monitoring.freePort()
        let node = try ProcessGroup("node-exporter", exporter.path,
                                    ["--web.listen-address=127.0.0.1:\(nodePort)", "--collector.disable-defaults",
                                     "--collector.textfile", "--collector.textfile.directory=\(pipeline.textfiles.path)"],
                                    directory: scratch.url)
        defer { node.stop() }
        try Self.config(nodePort: nodePort).write(to: scratch.file("prometheus.yml"), atomically: true, encoding: .utf8)
        let server = try ProcessGroup("prometheus", prometheus.path,
                                      ["--config.file=\(scratch.file("prometheus.yml").path)",
                                       "--storage.tsdb.path=\(scratch.file("data").path)",
                                       "--web.listen-address=127.0.0.1:\(prometheusPort)"],
                                      directory: scratch.url)
        defer { server.stop() }
        let base = "http://127.0.0.1:\(prometheusPort)"

        try pipeline.waitForRecords(1)
        // node_exporter serves every stage's file.
        let served = Polling.until(upTo: 30) {
            let body = Monitoring.get("http://127.0.0.1:\(nodePort)/metrics").map { String(decoding: $0.body, as: UTF8.self) } ?? ""
            return MonitoringPipeline.stages.allSatisfy { body.contains(#"wear_records_in_total{stage="\#($0)"}"#) }
        }
        #expect(served, "node_exporter does not serve every stage's file; its stderr:\n\(node.stderr)")

        // Prometheus has scraped every stage's counter through it.
        var stages: Set<String> = []
        let scraped = Polling.until(upTo: 60) {
            stages = Set(Self.query(base, #"wear_records_in_total{job="wear-node"}"#).compactMap { $0.labels["stage"] })
            return stages == Set(MonitoringPipeline.stages)
        }
        #expect(scraped, "Prometheus has wear_records_in_total for \(stages.sorted()); its stderr:\n\(server.stderr.suffix(3000))")

        // The recording rules evaluate: records/s into every stage, from records that flow.
        var rates: [(labels: [String: String], value: Double)] = []
        let recorded = Polling.until(upTo: 60) {
            rates = Self.query(base, "instance_stage:wear_records_in:rate1m")
            return Set(rates.compactMap { $0.labels["stage"] }) == Set(MonitoringPipeline.stages) && rates.allSatisfy { $0.value > 0 }
        }
        #expect(recorded, "instance_stage:wear_records_in:rate1m: \(rates)")
        let unintended = Self.query(base, "instance_stage:wear_records_rejected_unintended:ratio_rate5m")
        #expect(Set(unintended.compactMap { $0.labels["stage"] }) == Set(MonitoringPipeline.stages), "\(unintended)")
        // The textfile collector's file times, which WearMetricsFileStale reads, name the files.
        let mtimes = Self.query(base, "node_textfile_mtime_seconds").compactMap { $0.labels["file"] }
        for stage in MonitoringPipeline.stages {
            #expect(mtimes.contains { $0.hasSuffix("/\(stage).prom") || $0 == "\(stage).prom" }, "\(mtimes)")
        }
        // Both rule groups loaded, and no rule fails to evaluate.
        let rules = Monitoring.get("\(base)/api/v1/rules").map { String(decoding: $0.body, as: UTF8.self) } ?? ""
        #expect(rules.contains(#""name":"wear-records""#) && rules.contains(#""name":"wear-alerts""#), "\(rules.prefix(500))")
        #expect(!rules.contains(#""health":"err""#), "a rule fails to evaluate: \(rules)")
        #expect(pipeline.isRunning, "the pipeline ended early: \(pipeline.stderr)")
    }
}
