import Foundation
import WearCore
import WearFilter
import WearTesting

/// Paths of the files the filter tests read, and a stage over rules text.
enum FilterFixtures {
    static var packageRoot: URL { GoldenFixtures.root.deletingLastPathComponent().deletingLastPathComponent() }
    static var defaultRules: String { packageRoot.appendingPathComponent("pipelines/rules/default.rules").path }
    static var defaultTest: String { packageRoot.appendingPathComponent("pipelines/rules/default.test").path }
    static var rulesDoc: String { packageRoot.appendingPathComponent("docs/rules.md").path }

    static func probe(_ rules: String, maxKeys: Int = 1000) throws -> StageProbe<FilterStage> {
        let set = try RuleSet(try RuleFileParser.parse(Array(rules.utf8), file: "t.rules"), file: "t.rules", maxKeys: maxKeys)
        return StageProbe(FilterStage(rules: set, maxKeys: maxKeys))
    }
}

extension StageProbe {
    func run(_ line: String) -> Outcome { run(Array(line.utf8)) }
}
