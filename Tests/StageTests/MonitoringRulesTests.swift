import Foundation
import Testing
import WearTesting

/// pipelines/monitoring's Prometheus files pass promtool: the config and the
/// rules check, and the alert rules' unit tests (tests/*.yml) pass.
@Suite struct MonitoringRulesTests {
    static func run(_ arguments: [String]) throws -> ProcessResult {
        try ProcessRun.run(try Monitoring.tool("promtool", package: "prometheus"), arguments, directory: Monitoring.folder)
    }

    static var ruleFiles: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: Monitoring.folder.appendingPathComponent("rules").path)) ?? [])
            .filter { $0.hasSuffix(".yml") }.sorted().map { "rules/\($0)" }
    }

    @Test func theRulesPassPromtoolCheckRules() throws {
        #expect(Self.ruleFiles == ["rules/wear-alerts.yml", "rules/wear-records.yml"])
        let check = try Self.run(["check", "rules"] + Self.ruleFiles)
        #expect(check.status == 0, "promtool check rules:\n\(check.stdoutText)\(check.stderrText)")
        #expect(!check.stdoutText.contains("FAILED"), "\(check.stdoutText)")
    }

    @Test func theConfigPassesPromtoolCheckConfigAndNamesEveryRuleFile() throws {
        let check = try Self.run(["check", "config", "prometheus.yml"])
        #expect(check.status == 0, "promtool check config:\n\(check.stdoutText)\(check.stderrText)")
        let config = try String(contentsOf: Monitoring.folder.appendingPathComponent("prometheus.yml"), encoding: .utf8)
        for file in Self.ruleFiles { #expect(config.contains("  - \(file)"), "prometheus.yml does not load \(file)") }
    }

    @Test func theAlertRulesUnitTestsPass() throws {
        let tests = try FileManager.default.contentsOfDirectory(atPath: Monitoring.folder.appendingPathComponent("tests").path)
            .filter { $0.hasSuffix(".yml") }.sorted().map { "tests/\($0)" }
        #expect(!tests.isEmpty)
        let result = try Self.run(["test", "rules"] + tests)
        #expect(result.status == 0, "promtool test rules:\n\(result.stdoutText)\(result.stderrText)")
        #expect(result.stdoutText.contains("SUCCESS"))
    }

    /// Every alert has a test that fires it (an exp_alerts with labels) and a section in README.md.
    @Test func everyAlertIsTestedAndDocumented() throws {
        let rules = try String(contentsOf: Monitoring.folder.appendingPathComponent("rules/wear-alerts.yml"), encoding: .utf8)
        let alerts = rules.split(separator: "\n").compactMap { line -> String? in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            return trimmed.hasPrefix("- alert: ") ? String(trimmed.dropFirst("- alert: ".count)) : nil
        }
        #expect(alerts.count == 10)
        let tests = try String(contentsOf: Monitoring.folder.appendingPathComponent("tests/wear-rules-test.yml"), encoding: .utf8)
        let readme = try String(contentsOf: Monitoring.folder.appendingPathComponent("README.md"), encoding: .utf8)
        for alert in alerts {
            #expect(tests.contains("alertname: \(alert)\n        exp_alerts:\n          - exp_labels"), "no test fires \(alert)")
            #expect(readme.contains("### \(alert)"), "README.md has no section for \(alert)")
        }
    }
}
