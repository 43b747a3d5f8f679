import WearCore

/// Runs a `RuleTestFile`: each case with fresh state, each record through
/// the same path wear-filter uses (the runtime's record checks, then
/// `FilterStage`), compared with what the case expects.
public struct RuleTestRunner {
    /// One record that did not get what its case expected.
    public struct Failure: Sendable, CustomStringConvertible {
        public let file: String
        public let line: Int
        public let caseName: String
        public let expected: RuleTestFile.Expectation
        public let actual: RuleTestFile.Expectation
        /// The rules that acted on the record (matched, or a keep that refused it).
        public let acted: [String]
        /// The reject's detail, when the record was rejected.
        public let detail: String?

        public var description: String {
            var text = "\(file):\(line): case \"\(caseName)\": expected \(expected), got \(actual)"
            text += acted.isEmpty ? " (no rule matched)" : " (matched: \(acted.joined(separator: ", ")))"
            if let detail, case .reject = actual { text += ": \(detail)" }
            return text
        }
    }

    public struct Report: Sendable {
        public let file: String
        public var cases = 0
        public var records = 0
        public var failures: [Failure] = []

        /// `FILE: 12 cases, 80 records, 0 failures`.
        public var summary: String {
            "\(file): \(cases) cases, \(records) records, \(failures.count) failure\(failures.count == 1 ? "" : "s")"
        }
    }

    public let test: RuleTestFile
    public let maxKeys: Int

    public init(_ test: RuleTestFile, maxKeys: Int = 10_000) {
        self.test = test
        self.maxKeys = maxKeys
    }

    public func run() throws(ConfigError) -> Report {
        var report = Report(file: test.file)
        for testCase in test.cases {
            let rules = try RuleSet(test.rules, file: test.file, maxKeys: maxKeys)
            let probe = StageProbe(FilterStage(rules: rules, maxKeys: maxKeys))
            report.cases += 1
            for step in testCase.steps {
                report.records += 1
                let before = rules.hits
                let outcome = probe.run(step.record)
                let acted = rules.rules.indices.filter { rules.hits[$0] != before[$0] }.map { rules.rules[$0].name }
                let (actual, detail) = Self.expectation(of: outcome, original: step.record)
                if actual != step.expected {
                    report.failures.append(Failure(file: test.file, line: step.line, caseName: testCase.name,
                                                   expected: step.expected, actual: actual, acted: acted, detail: detail))
                }
            }
        }
        return report
    }

    /// What happened to a record, in the test file's terms.
    static func expectation(of outcome: StageProbe<FilterStage>.Outcome, original: [UInt8]) -> (RuleTestFile.Expectation, String?) {
        switch outcome {
        case .passed: return (.pass, nil)
        case .rejected(let reason, let detail):
            if reason.code.hasPrefix("rule:") { return (.drop(String(reason.code.dropFirst(5))), detail) }
            return (.reject(reason.code), detail)
        case .emitted(let lines):
            guard lines.count == 1 else { return (.reject("emitted_\(lines.count)_lines"), nil) }
            let added = Array(flags(of: lines[0]).dropFirst(flags(of: original).count))
            return (added.isEmpty ? .pass : .tag(added), nil)
        }
    }

    /// The string elements of a record's `flags` array.
    static func flags(of line: [UInt8]) -> [String] {
        let parser = JSONParser(capacity: line.count + 1)
        // A JSONValue does not keep its parser alive: keep it to the end.
        return withExtendedLifetime(parser) {
            guard case .success(let root) = parser.parse(copying: line), let flags = root["flags"] else { return [] }
            var names: [String] = []
            flags.forEachElement { element in
                names.append(element.string ?? "\(element.kind)")
                return true
            }
            return names
        }
    }
}
