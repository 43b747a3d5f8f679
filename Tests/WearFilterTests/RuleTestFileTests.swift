import Foundation
import Testing
import WearCore
@testable import WearFilter

@Suite struct RuleTestFileTests {
    static func report(_ text: String, rules: [String: String] = [:]) throws -> RuleTestRunner.Report {
        let file = try RuleTestFile(Array(text.utf8), file: "dir/t.test") { path in
            guard let text = rules[path] else { throw StageFailure(status: .noInput, message: "no \(path)") }
            return Array(text.utf8)
        }
        return try RuleTestRunner(file).run()
    }

    @Test func passingCasesReportNoFailures() throws {
        let report = try Self.report("""
            rules r.rules
            rule tag hot hr > 180
            case one
            {"dev":"a","seq":1} -> pass
            {"dev":"a","seq":1,"note":"a -> b"} -> tag replay
            {"dev":"a","seq":1,"hr":190} -> tag replay hot
            {"dev":"a","sz":9000} -> drop oversize
            not json -> reject bad_json
            case state starts empty in each case
            {"dev":"a","seq":1} -> pass
            """, rules: ["dir/r.rules": "drop oversize sz > 4KiB\ntag replay seq <= max(dev, seq)\n"])
        #expect(report.failures.isEmpty, "\(report.failures)")
        #expect(report.summary == "dir/t.test: 2 cases, 6 records, 0 failures")
    }

    @Test func aFailureNamesTheLineTheCaseAndWhatMatched() throws {
        let report = try Self.report("""
            rule tag hot hr > 180
            rule tag warm hr > 100
            case heat
            {"hr":190} -> tag hot
            {"hr":90} -> drop hot
            """)
        #expect(report.failures.map(\.description) == [
            #"dir/t.test:4: case "heat": expected tag hot, got tag hot warm (matched: hot, warm)"#,
            #"dir/t.test:5: case "heat": expected drop hot, got pass (no rule matched)"#,
        ])
        #expect(report.summary == "dir/t.test: 1 cases, 2 records, 2 failures")
    }

    static let invalid: [(String, String)] = [
        ("case x\n{\"a\":1}", "dir/t.test:2:1: expected 'RECORD -> pass|tag NAME...|drop NAME|reject REASON', found no ' -> '"),
        ("{\"a\":1} -> pass", "dir/t.test:1:1: expected 'rules', 'rule' or 'case NAME' before the first record"),
        ("case x\n{} -> keep", "dir/t.test:2:1: expected 'pass', 'tag NAME...', 'drop NAME' or 'reject REASON' after ' -> ', found 'keep'"),
        ("case x\nrule tag a hr > 1\n{} -> pass", "dir/t.test:2:1: 'rule' lines must come before the first 'case'"),
        ("rule tag a hr >\ncase x\n{} -> pass", "dir/t.test:1:16: expected an expression after '>', found the end of the expression"),
        ("rule tag a hr > 1\n", "dir/t.test:1:1: expected at least one 'case NAME' with records, found none"),
        ("rule tag a hr > 1\nrule tag a hr > 2\ncase x\n{} -> pass", "dir/t.test:2:10: rule name 'a' is already used on line 1: names must be unique"),
    ]

    @Test(arguments: invalid)
    func invalidTestFilesSayWhereAndWhat(_ text: String, _ message: String) {
        do {
            _ = try Self.report(text)
            Issue.record("accepted: \(text)")
        } catch {
            #expect("\(error)" == message)
        }
    }
}

/// The examples of docs/rules.md and the default rules' own tests run as
/// written: the docs cannot drift from the code.
@Suite struct DocsExamplesTests {
    static func blocks(in markdown: String) -> [(line: Int, text: String)] {
        var blocks: [(Int, String)] = []
        var current: [String]?
        var start = 0
        for (index, line) in markdown.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if current == nil, line == "```wear-test" {
                current = []
                start = index + 2
            } else if current != nil, line == "```" {
                blocks.append((start, current!.joined(separator: "\n")))
                current = nil
            } else {
                current?.append(String(line))
            }
        }
        return blocks
    }

    @Test func everyWearTestBlockInTheRulesDocPasses() throws {
        let markdown = try String(contentsOfFile: FilterFixtures.rulesDoc, encoding: .utf8)
        let blocks = Self.blocks(in: markdown)
        #expect(blocks.count >= 10)
        for block in blocks {
            let file = try RuleTestFile(Array(block.text.utf8), file: "docs/rules.md (block at line \(block.line))") { _ in [] }
            let report = try RuleTestRunner(file).run()
            #expect(report.failures.isEmpty, "\(report.failures.map(\.description))")
            #expect(report.records > 0)
        }
    }

    @Test func theDefaultRulesPassTheirTests() throws {
        let report = try RuleTestRunner(try RuleTestFile(contentsOf: FilterFixtures.defaultTest)).run()
        #expect(report.failures.isEmpty, "\(report.failures.map(\.description))")
        #expect(report.cases >= 8 && report.records >= 60)
    }
}
