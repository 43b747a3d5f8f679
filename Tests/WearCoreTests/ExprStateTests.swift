import Testing
@testable import WearCore

/// Per-key state: bounded by `maxKeys`, sized by `bytesPerKey`, carried over
/// reloads by `adoptState(from:)` for unchanged entries only.
@Suite struct ExprStateTests {
    static let defaultRules = [
        "exists(dev) and exists(seq) and exists(ts)", "sz > 4KiB", "bucket(dev, 5/s, 20)",
        "hr < 20 or hr > 250", "spo2 < 50 or spo2 > 100", "temp < 25 or temp > 45",
        "seq <= max(dev, seq)", "seq > max(dev, seq) + 1", "abs(rx - ts) > 10m", "zscore(dev, sz) > 6",
    ]

    @Test func stateStaysBoundedUnderAMillionDistinctKeys() throws {
        let harness = try ExprHarness(["seq <= max(dev, seq)", "bucket(dev, 5/s, 20)"], maxKeys: 1000)
        let program = harness.program
        var peak = 0
        for index in 0..<1_000_000 {
            // Alternately string and number keys, all distinct.
            let key = index % 2 == 0 ? "\"k\(index)\"" : "\(index)"
            try harness.load(#"{"dev":\#(key),"seq":5,"rx":\#(index)}"#)
            _ = program.condition(0)
            _ = program.condition(1)
            if index % 100_000 == 0 { peak = max(peak, program.stateFootprintBytes) }
        }
        #expect(program.keysTracked == 1000)
        #expect(program.evictions == 999_000)
        peak = max(peak, program.stateFootprintBytes)
        #expect(peak <= 1000 * program.bytesPerKey + 4096, "\(peak) bytes for 1000 keys of \(program.bytesPerKey)")
        // The most recent key kept its state; the first one was evicted.
        try harness.load(#"{"dev":999999,"seq":5,"rx":1000000}"#)
        #expect(program.condition(0))
        try harness.load(#"{"dev":"k0","seq":5,"rx":1000000}"#)
        #expect(program.condition(0) == false)
    }

    @Test func evictsTheLeastRecentlySeenKeyWithAllItsSlots() throws {
        let harness = try ExprHarness(["last(dev, seq)", "max(dev, seq)"], result: .number, maxKeys: 2)
        func values(_ dev: String, _ seq: Int) throws -> [Double?] {
            try harness.load(#"{"dev":"\#(dev)","seq":\#(seq)}"#)
            return [harness.program.number(0), harness.program.number(1)]
        }
        _ = try values("a", 1)
        _ = try values("b", 2)
        #expect(try values("a", 3) == [1, 1], "a is now the most recent")
        _ = try values("c", 4)                 // evicts b
        #expect(try values("a", 5) == [3, 3])
        #expect(try values("b", 6) == [nil, nil], "b was evicted with both slots")
        #expect(harness.program.evictions == 2)
    }

    @Test func bytesPerKeyCountsEntryTableAndRow() throws {
        let program = try ExprHarness(Self.defaultRules, maxKeys: 100_000).program
        // bucket 2 words, two max 1 each, zscore 3: 7 words of 8 bytes.
        let entry = BoundedMap<Int32>.bytesPerEntry(inlineKeyBytes: 16, tableSlots: 0)
        let table = (BoundedMap<Int32>.tableSize(for: 100_000) * 8 + 99_999) / 100_000
        #expect(program.bytesPerKey == entry + table + 56)
        #expect(program.keyExpressions == ["dev"])
        #expect(try ExprHarness("hr > 1").program.bytesPerKey == 0)
    }

    @Test func bytesPerKeyMatchesTheMemoryOfAFullMap() throws {
        let harness = try ExprHarness(Self.defaultRules, maxKeys: 4096)
        for index in 0..<4096 {
            try harness.load(#"{"dev":"wr-\#(index + 100_000)","seq":1,"ts":1,"rx":1,"sz":400}"#)
            for rule in 0..<10 { _ = harness.program.condition(rule) }
        }
        let perKey = harness.program.stateFootprintBytes / 4096
        #expect(perKey == harness.program.bytesPerKey, "\(perKey) measured")
    }

    /// Program `old` saw records; `new` adopts its state.
    func reload(_ old: [(String, String)], _ new: [(String, String)], maxKeys: Int = 100,
                feed: [String]) throws -> (ExprHarness, ExprHarness) {
        let before = try ExprHarness(old.map(\.1), maxKeys: maxKeys, identities: old.map { "\($0.0) \($0.1)" })
        for record in feed { _ = try before.conditions(record) }
        let after = try ExprHarness(new.map(\.1), maxKeys: maxKeys, identities: new.map { "\($0.0) \($0.1)" })
        after.program.adoptState(from: before.program)
        return (before, after)
    }

    @Test func adoptsStateOnlyForUnchangedIdentities() throws {
        let feed = (1...3).map { #"{"dev":"a","seq":\#($0 * 10),"rx":0}"# }
        let (_, after) = try reload(
            [("replay", "seq <= max(dev, seq)"), ("flood", "bucket(dev, 1/s, 2)"), ("gap", "seq > last(dev, seq) + 1")],
            [("flood", "bucket(dev, 1/s, 1)"), ("new", "seq <= max(dev, seq)"), ("replay", "seq <= max(dev, seq)"),
             ("gap", "seq > last(dev, seq) + 1")],
            feed: feed)
        // replay and gap kept max 30 and last 30; flood changed (fresh: a new key is admitted); `new` is fresh.
        #expect(try after.conditions(#"{"dev":"a","seq":25,"rx":0}"#) == [false, false, true, false])
        #expect(try after.conditions(#"{"dev":"a","seq":40,"rx":0}"#) == [false, false, false, true])
        // flood's fresh bucket: burst 1 admits 1 more at t = 0, then refuses.
        #expect(try after.conditions(#"{"dev":"a","seq":41,"rx":0}"#)[0] == true)
    }

    @Test func renamedRulesStartEmpty() throws {
        let feed = [#"{"dev":"a","seq":10}"#]
        let (_, after) = try reload([("replay", "seq <= max(dev, seq)")], [("replay2", "seq <= max(dev, seq)")], feed: feed)
        #expect(try after.conditions(#"{"dev":"a","seq":5}"#) == [false])
        #expect(after.program.keysTracked == 1)
    }

    @Test func adoptionKeepsRecencyAndTheMostRecentKeysWhenMaxKeysShrinks() throws {
        let (rules, identities) = (["last(dev, seq) == 1"], ["last last(dev, seq) == 1"])
        func record(_ dev: String) -> String { #"{"dev":"\#(dev)","seq":1}"# }
        let old = try ExprHarness(rules, maxKeys: 3, identities: identities)
        for dev in ["a", "b", "c", "a"] { _ = try old.conditions(record(dev)) }   // most recent first: a, c, b

        let same = try ExprHarness(rules, maxKeys: 3, identities: identities)
        same.program.adoptState(from: old.program)
        #expect(same.program.keysTracked == 3)
        #expect(try same.conditions(record("d")) == [false])   // evicts b, the least recent
        #expect(try same.conditions(record("c")) == [true])
        #expect(try same.conditions(record("b")) == [false])

        let small = try ExprHarness(rules, maxKeys: 2, identities: identities)
        small.program.adoptState(from: old.program)
        #expect(small.program.keysTracked == 2)
        #expect(small.program.evictions == 1, "b did not fit")
        #expect(try small.conditions(record("d")) == [false])  // evicts c, the least recent kept
        #expect(try small.conditions(record("a")) == [true])
        #expect(try small.conditions(record("c")) == [false])
    }
}
