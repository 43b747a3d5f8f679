import Foundation
import Glibc
import Testing
import WearTesting

/// wear-filter as a process: rules reloaded on SIGHUP, --check and --test,
/// its metrics through promtool.
@Suite struct FilterProcessTests {
    static let root = GoldenFixtures.root.deletingLastPathComponent().deletingLastPathComponent()
    static let defaultRules = root.appendingPathComponent("pipelines/rules/default.rules").path

    @Test func hangupReloadsTheRulesKeepingUnchangedStateAndKeepsTheOldOnAnError() throws {
        let scratch = try TemporaryDirectory()
        let rules = scratch.file("r.rules").path
        try "tag replay seq <= max(dev, seq)\n".write(toFile: rules, atomically: true, encoding: .utf8)
        let stage = try LiveStage("wear-filter", ["--rules", rules])
        stage.write(#"{"dev":"a","seq":5}"# + "\n")
        try #require(stage.waitForLines(1))

        try "tag hot hr > 180\ntag replay seq <= max(dev, seq)\n".write(toFile: rules, atomically: true, encoding: .utf8)
        stage.signal(SIGHUP)
        #expect(stage.waitForOutput { _, stderr in stderr.contains("reloaded 2 rules from \(rules)") }, "\(stage.stderr)")
        stage.write(#"{"dev":"a","seq":5,"hr":190}"# + "\n")
        try #require(stage.waitForLines(2))

        try "tag hot hr >\n".write(toFile: rules, atomically: true, encoding: .utf8)
        stage.signal(SIGHUP)
        #expect(stage.waitForOutput { _, stderr in stderr.contains("\(rules):1:13: expected an expression after '>'") }, "\(stage.stderr)")
        stage.write(#"{"dev":"a","seq":6,"hr":190}"# + "\n")
        #expect(stage.finish() == 0)
        #expect(stage.stdoutLines == [#"{"dev":"a","seq":5}"#, #"{"dev":"a","seq":5,"hr":190,"flags":["hot","replay"]}"#,
                                      #"{"dev":"a","seq":6,"hr":190,"flags":["hot"]}"#])
        expectBalancedLedger("wear-filter", stdout: stage.stdout, stderr: stage.stderr, rejects: nil)
    }

    @Test func checkSaysHowManyRulesOrTheFirstError() throws {
        let scratch = try TemporaryDirectory()
        let ok = try ProcessRun.run(try Binaries.url(of: "wear-filter"), ["--check", Self.defaultRules])
        #expect(ok.status == 0)
        #expect(ok.stdoutText.hasPrefix("\(Self.defaultRules): 13 rules ok (state keyed by dev, "), "\(ok.stdoutText)")
        let bad = scratch.file("bad.rules").path
        try "drop x hr > 1\nfrob y hr\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let invalid = try ProcessRun.run(try Binaries.url(of: "wear-filter"), ["--check", bad])
        #expect(invalid.status == 78)
        #expect(invalid.stderrText == "wear-filter: error: \(bad):2:1: expected an action (drop, tag or keep), found 'frob'\n")
        let missing = try ProcessRun.run(try Binaries.url(of: "wear-filter"), ["--check", scratch.file("none.rules").path])
        #expect(missing.status == 66)
        let neither = try ProcessRun.run(try Binaries.url(of: "wear-filter"), [])
        #expect(neither.status == 64)
    }

    @Test func testRunsCasesAndExitsOneOnAFailure() throws {
        let passing = try ProcessRun.run(try Binaries.url(of: "wear-filter"),
                                         ["--test", Self.root.appendingPathComponent("pipelines/rules/default.test").path])
        #expect(passing.status == 0, "\(passing.stdoutText)")
        #expect(passing.stdoutText.hasSuffix(" 0 failures\n"))
        let scratch = try TemporaryDirectory()
        let test = scratch.file("t.test").path
        try "rule tag hot hr > 180\ncase c\n{\"hr\":190} -> pass\n".write(toFile: test, atomically: true, encoding: .utf8)
        let failing = try ProcessRun.run(try Binaries.url(of: "wear-filter"), ["--test", test])
        #expect(failing.status == 1)
        #expect(failing.stdoutText == "\(test):3: case \"c\": expected pass, got tag hot (matched: hot)\n\(test): 1 cases, 1 records, 1 failure\n")
    }

    @Test func metricsCountRulesKeysAndEvictionsAndPassPromtool() throws {
        let promtool = try MetricsEndToEndTests.promtool()
        let scratch = try TemporaryDirectory()
        let lines = (0..<1000).map { #"{"dev":"d\#($0)","seq":1,"ts":1763700000000,"rx":1763700000000,"sz":300}"# }
            + [#"{"dev":"d999","seq":1,"ts":1763700000000,"rx":1763700000000,"sz":9000}"#, #"{"seq":1}"#]
        let result = try ProcessRun.run(try Binaries.url(of: "wear-filter"),
                                        ["--rules", Self.defaultRules, "--max-keys", "10", "--metrics-file", "m.prom", "--rejects", "rejects"],
                                        input: Data(lines.joined(separator: "\n").utf8), directory: scratch.url)
        #expect(result.status == 0)
        expectBalancedLedger("wear-filter", result, rejects: try Data(contentsOf: scratch.file("rejects")))
        let metrics = try String(contentsOf: scratch.file("m.prom"), encoding: .utf8)
        for sample in [
            #"wear_filter_rule_matches_total{stage="wear-filter",rule="oversize",action="drop"} 1"#,
            #"wear_filter_rule_matches_total{stage="wear-filter",rule="telemetry",action="keep"} 1"#,
            #"wear_filter_keys{stage="wear-filter"} 10"#,
            #"wear_filter_key_evictions_total{stage="wear-filter"} 990"#,
            #"wear_filter_rules{stage="wear-filter"} 13"#,
        ] {
            #expect(metrics.contains(sample + "\n"), "missing \(sample) in\n\(metrics)")
        }
        let check = try ProcessRun.run(promtool, ["check", "metrics"], input: Data(metrics.utf8))
        #expect(check.status == 0, "promtool: \(check.stdoutText)\(check.stderrText)")
    }

    @Test func oneBytePerWriteGivesWhatOneWriteGivesWithTheDefaultRules() throws {
        let scratch = try TemporaryDirectory()
        let input = GoldenFixtures.root.appendingPathComponent("wear-filter/default-rules/input.ndjson")
        let data = try Data(contentsOf: input)
        let arguments = { (name: String) in ["--rules", Self.defaultRules, "--rejects", scratch.file(name).path] }
        let bytewise = try LiveStage("wear-filter", arguments("bytewise.rejects"))
        bytewise.writeBytewise(data)
        #expect(bytewise.finish() == 0)
        let whole = try ProcessRun.run(try Binaries.url(of: "wear-filter"), arguments("whole.rejects"), input: data)
        #expect(whole.status == 0)
        #expect(bytewise.stdout == whole.stdout)
        #expect(try Data(contentsOf: scratch.file("bytewise.rejects")) == Data(contentsOf: scratch.file("whole.rejects")))
        #expect(whole.stdoutText.contains(#""flags":["hr_extreme","shock","gap"]"#))
        expectBalancedLedger("wear-filter", stdout: bytewise.stdout, stderr: bytewise.stderr,
                             rejects: try Data(contentsOf: scratch.file("bytewise.rejects")))
    }

    @Test func anInvalidTestFileExits78WithItsPosition() throws {
        let scratch = try TemporaryDirectory()
        let test = scratch.file("bad.test").path
        try "rule tag hot hr > 180\ncase c\n{\"hr\":190} -> maybe\n".write(toFile: test, atomically: true, encoding: .utf8)
        let result = try ProcessRun.run(try Binaries.url(of: "wear-filter"), ["--test", test])
        #expect(result.status == 78)
        #expect(result.stderrText.hasPrefix("wear-filter: error: \(test):3:1: expected 'pass', 'tag NAME...', 'drop NAME' or 'reject REASON'"),
                "\(result.stderrText)")
        let missing = try ProcessRun.run(try Binaries.url(of: "wear-filter"), ["--test", scratch.file("none.test").path])
        #expect(missing.status == 66)
    }
}
