import Foundation
import Testing
import WearCore
import WearTesting
@testable import WearFilter

@Suite struct ReloadTests {
    @Test func unchangedRulesKeepTheirStateAndAnInvalidFileKeepsTheOldRules() throws {
        let scratch = try TemporaryDirectory()
        let path = scratch.file("r.rules").path
        try "tag replay seq <= max(dev, seq)\n".write(toFile: path, atomically: true, encoding: .utf8)
        let probe = StageProbe(try FilterStage(rulesPath: path, maxKeys: 100))
        #expect(probe.run(#"{"dev":"a","seq":5}"#) == .passed)

        try "tag hot hr > 180\ntag replay seq <= max(dev, seq)\n".write(toFile: path, atomically: true, encoding: .utf8)
        try probe.stage.reload()
        #expect(probe.stage.rules.rules.map(\.name) == ["hot", "replay"])
        guard case .emitted(let lines) = probe.run(#"{"dev":"a","seq":5}"#) else { Issue.record("not tagged"); return }
        #expect(String(decoding: lines[0], as: UTF8.self) == #"{"dev":"a","seq":5,"flags":["replay"]}"#)

        try "tag replay seq <= max(dev, seq) +\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: ConfigError.self) { try probe.stage.reload() }
        #expect(probe.stage.rules.rules.map(\.name) == ["hot", "replay"])

        try "tag replay seq < max(dev, seq)\n".write(toFile: path, atomically: true, encoding: .utf8)
        try probe.stage.reload()
        #expect(probe.run(#"{"dev":"a","seq":4}"#) == .passed, "a changed rule starts with empty state")

        let metrics = probe.stage.metrics()
        let reloads = metrics.first { $0.name == "wear_filter_reloads_total" }?.samples.map(\.value)
        #expect(reloads == [2, 1])
        let replay = metrics.first { $0.name == "wear_filter_rule_matches_total" }?.samples
            .first { $0.labels.contains { $0 == (name: "rule", value: "replay") } }?.value
        #expect(replay == 1, "a reloaded rule's counter does not go back")
    }
}
