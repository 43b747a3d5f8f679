import Testing
import WearCore
@testable import WearFilter

@Suite struct FilterStageTests {
    static let rules = """
        keep wearables exists(dev)
        drop oversize  sz > 4KiB
        tag  hot       hr > 180
        tag  fast      hr > 150
        """

    static func text(_ outcome: StageProbe<FilterStage>.Outcome) -> String? {
        guard case .emitted(let lines) = outcome, lines.count == 1 else { return nil }
        return String(decoding: lines[0], as: UTF8.self)
    }

    @Test func dropKeepAndTagDoWhatTheDocsSay() throws {
        let probe = try FilterFixtures.probe(Self.rules)
        #expect(probe.run(#"{"dev":"a","hr":70}"#) == .passed)
        #expect(probe.run(#"{"hr":70}"#) == .rejected(try .rule("wearables"), detail: "keep rule 'wearables' did not match"))
        #expect(probe.run(#"{"dev":"a","sz":5000,"hr":190}"#) == .rejected(try .rule("oversize"), detail: "drop rule 'oversize' matched"))
        #expect(Self.text(probe.run(#"{"dev":"a","hr":190}"#)) == #"{"dev":"a","hr":190,"flags":["hot","fast"]}"#)
        #expect(Self.text(probe.run(#"{"dev":"a","hr":160 , "x":1}"#)) == #"{"dev":"a","hr":160 , "x":1,"flags":["fast"]}"#)
    }

    @Test func tagsAppendToExistingFlagsInOrderAndNeverTwice() throws {
        let probe = try FilterFixtures.probe(Self.rules)
        #expect(Self.text(probe.run(#"{"dev":"a","flags":["x",1],"hr":190}"#)) == #"{"dev":"a","flags":["x",1,"hot","fast"],"hr":190}"#)
        #expect(Self.text(probe.run(#"{"dev":"a","flags":["hot"],"hr":190}"#)) == #"{"dev":"a","flags":["hot","fast"],"hr":190}"#)
        #expect(probe.run(#"{"dev":"a","flags":["fast","hot"],"hr":190}"#) == .passed)
        #expect(Self.text(probe.run(#"{"dev":"a","flags":[],"hr":190}"#)) == #"{"dev":"a","flags":["hot","fast"],"hr":190}"#)
    }

    @Test func flagsThatAreNotAnArrayCannotTakeATag() throws {
        let probe = try FilterFixtures.probe(Self.rules)
        #expect(probe.run(#"{"dev":"a","flags":"hot","hr":190}"#)
                == .rejected(FilterStage.badFlags, detail: "cannot add tags: flags is a string, not an array"))
        #expect(probe.run(#"{"dev":"a","flags":"hot","hr":70}"#) == .passed)
    }

    @Test func theRuntimeChecksComeFirst() throws {
        let probe = try FilterFixtures.probe(Self.rules)
        guard case .rejected(let reason, _) = probe.run("not json") else { Issue.record("accepted"); return }
        #expect(reason == .badJSON)
        guard case .rejected(let again, _) = probe.run(#"{"dev":"a","dev":"b"}"#) else { Issue.record("accepted"); return }
        #expect(again == .duplicateKey)
        guard case .rejected(let utf8, _) = probe.run([UInt8](#"{"dev":""#.utf8) + [0xFF, 0xFE] + [UInt8](#""}"#.utf8)) else {
            Issue.record("accepted"); return
        }
        #expect(utf8 == .badUTF8)
    }

    /// Every field a default rule reads, with every wrong type and hostile value:
    /// each record gets a verdict (no trap), and the ledger balances.
    @Test func hostileValuesInEveryFieldTheDefaultRulesReadNeverTrap() throws {
        let set = try RuleSet(contentsOf: FilterFixtures.defaultRules, maxKeys: 100)
        let probe = StageProbe(FilterStage(rules: set, maxKeys: 100))
        let values = ["null", "true", "\"x\"", "[]", "[1,\"a\"]", "{}", "{\"a\":{\"b\":[[[[1]]]]}}", "1e308", "-1e308",
                      "-0", "0", "18446744073709551615", "-9223372036854775808", "1.5", "\"\\u0000\"", "\"\\ud83d\\ude00\""]
        let fields = ["dev", "seq", "ts", "rx", "sz", "hr", "spo2", "bat", "acc", "flags"]
        var (seen, out, rejected) = (0, 0, 0)
        for field in fields {
            for value in values {
                var members = ["\"dev\":\"wr-1\"", "\"seq\":1", "\"ts\":1763700000000", "\"rx\":1763700000000", "\"sz\":300", "\"hr\":70"]
                members.removeAll { $0.hasPrefix("\"\(field)\":") }
                members.append("\"\(field)\":\(value)")
                seen += 1
                switch probe.run("{" + members.joined(separator: ",") + "}") {
                case .passed, .emitted: out += 1
                case .rejected: rejected += 1
                }
            }
        }
        #expect(seen == fields.count * values.count && seen == out + rejected)
        #expect(out > 0 && rejected > 0)
    }

    @Test func stateIsBoundedByMaxKeysAndEvictionsAreCounted() throws {
        let probe = try FilterFixtures.probe("tag replay seq <= max(dev, seq)", maxKeys: 100)
        for device in 0..<1000 { _ = probe.run(#"{"dev":"d\#(device)","seq":1}"#) }
        #expect(probe.stage.rules.keysTracked == 100)
        #expect(probe.stage.rules.evictions == 900)
        let metrics = probe.stage.metrics()
        #expect(metrics.first { $0.name == "wear_filter_key_evictions_total" }?.samples.first?.value == 900)
        #expect(metrics.first { $0.name == "wear_filter_keys" }?.samples.first?.value == 100)
        // d999 is still tracked, d0 was evicted and starts afresh.
        #expect(Self.text(probe.run(#"{"dev":"d999","seq":1}"#)) == #"{"dev":"d999","seq":1,"flags":["replay"]}"#)
        #expect(probe.run(#"{"dev":"d0","seq":1}"#) == .passed)
    }

    @Test func matchesAreCountedPerRuleAndAction() throws {
        let probe = try FilterFixtures.probe(Self.rules)
        for line in [#"{"dev":"a","hr":190}"#, #"{"dev":"a","hr":160}"#, #"{"hr":1}"#, #"{"dev":"a","sz":9999}"#] { _ = probe.run(line) }
        let samples = probe.stage.metrics().first { $0.name == "wear_filter_rule_matches_total" }?.samples ?? []
        let counts = Dictionary(uniqueKeysWithValues: samples.map { sample in
            (sample.labels.first { $0.name == "rule" }!.value + "/" + sample.labels.first { $0.name == "action" }!.value, sample.value)
        })
        #expect(counts == ["wearables/keep": 1, "oversize/drop": 1, "hot/tag": 1, "fast/tag": 2])
    }
}
