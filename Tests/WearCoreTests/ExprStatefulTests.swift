import Testing
@testable import WearCore

/// The stateful functions against hand-computed sequences (semantics: the
/// brief of #9, docs/rules.md).
@Suite struct ExprStatefulTests {
    /// `{"dev":"a","rx":T}` records at the given event times.
    static func at(_ time: Int64, dev: String = "\"a\"") -> String { #"{"dev":\#(dev),"rx":\#(time)}"# }

    @Test func bucketAdmitsTheBurstThenRefusesWithoutCountingRefusals() throws {
        // rate 5/s = 5000 thousandths per second, burst 2 = 2000.
        let harness = try ExprHarness("bucket(dev, 5/s, 2)")
        let steps: [(Int64, Bool, String)] = [
            (0, false, "new key: excess 0, last 0"),
            (0, false, "ms 0: excess 1000"),
            (0, false, "excess 2000 = burst: admitted"),
            (0, true, "3000 > 2000: refused, state unchanged"),
            (100, true, "2000 - 500 + 1000 = 2500: refused (last stays 0)"),
            (200, false, "2000 - 1000 + 1000 = 2000: admitted, last 200 (had the refusal moved last, 2500)"),
            (150, true, "50 ms back counts as 0 ms: 3000, refused"),
            (1000, false, "800 ms: 2000 - 4000 + 1000 < 0 -> 0, last 1000"),
            (-100_000, false, "> 60 s back: ms = 1, 0 - 5 + 1000 = 995, last resyncs to -100000"),
            (-100_000, false, "1995"),
            (-100_000, true, "2995: refused"),
            (-99_600, false, "400 ms after the resync: 1995 - 2000 + 1000 = 995 (unsynced: 2990, refused)"),
        ]
        for (time, expected, why) in steps {
            #expect(try harness.condition(Self.at(time)) == expected, "t=\(time): \(why)")
        }
    }

    @Test func bucketIsMissingWithoutEventTimeOrKeyAndChangesNothing() throws {
        let harness = try ExprHarness(["bucket(dev, 1/s, 0) == false", "bucket(dev, 1/s, 0) == true"])
        #expect(try harness.conditions(Self.at(0)) == [true, false])
        #expect(try harness.conditions(#"{"dev":"a"}"#) == [false, false])
        #expect(try harness.conditions(#"{"dev":"a","rx":"late","ts":null}"#) == [false, false])
        #expect(try harness.conditions(#"{"rx":0}"#) == [false, false])
        #expect(try harness.conditions(#"{"dev":[1],"rx":0}"#) == [false, false])
        // 1000 ms later: 0 - 1000 + 1000 = 0 -> admitted (the records above left no trace).
        #expect(try harness.conditions(Self.at(1000)) == [true, false])
        // `ts` when `rx` is not a number: 0 ms later, 1000 > 0: refused.
        #expect(try harness.conditions(#"{"dev":"a","rx":"x","ts":1000}"#) == [false, true])
    }

    @Test func rateIsTheTwoWindowEstimate() throws {
        let harness = try ExprHarness("rate(dev, 10s)", result: .number)
        let steps: [(Int64, Double, String)] = [
            (5000, 0.1, "window 0: prev 0, cur 1"),
            (9000, 0.2, "cur 2"),
            (12_000, 0.26, "window 1: prev 2 * (1 - 0.2) + cur 1 = 2.6"),
            (19_000, 0.22, "2 * 0.1 + 2"),
            (15_000, 0.32, "earlier than the latest (19 s): counts at 19 s, 2 * 0.1 + 3"),
            (8000, 0.42, "11 s before the latest, within 60 s: at 19 s too, 2 * 0.1 + 4"),
            (35_000, 0.1, "two windows on: prev 0, cur 1"),
            (-40_000, 0.1, "75 s before the latest: reset to window -4"),
            (-35_000, 0.2, "window -4: cur 2"),
            (-25_000, 0.2, "window -3: 2 * 0.5 + 1"),
        ]
        for (time, expected, why) in steps {
            let value = try #require(try harness.number(Self.at(time)), "t=\(time)")
            #expect(abs(value - expected) < 1e-12, "t=\(time): \(value), \(why)")
        }
        #expect(try harness.number(Self.at(12_000, dev: "\"b\"")) == 0.1)
        #expect(try harness.number(#"{"dev":"a"}"#) == nil)
    }

    @Test func rateComparesWithRates() throws {
        let harness = try ExprHarness("rate(dev, 1s) > 2/s")
        #expect(try (0..<4).map { _ in try harness.condition(Self.at(100)) } == [false, false, true, true])
    }

    @Test func zscoreWarmsUpFloorsAndClips() throws {
        let harness = try ExprHarness("zscore(dev, sz)", result: .number)
        func z(_ size: Double) throws -> Double? { try harness.number(#"{"dev":"a","sz":\#(size)}"#) }
        for _ in 0..<8 { #expect(try z(100) == nil, "fewer than 8 earlier values") }
        #expect(try z(100) == 0, "mean 100, variance 0, sd floored to 1% of 100")
        #expect(try harness.number(#"{"dev":"a"}"#) == nil, "missing x: no update")
        #expect(try z(100.5) == 0.5, "within 1% of the mean: under 1")
        // After 100.5: mean 100 + 0.5/32, variance 31/32 * (0.5 * 0.5/32).
        var mean = 100 + 0.5 / 32, variance = 31.0 / 32 * (0.5 * 0.5 / 32)
        var sd = max(variance.squareRoot(), 0.01 * mean)
        #expect(try z(1000) == (1000 - mean) / sd)
        // 1000 is folded in clipped to mean + 8 sd.
        let clipped = mean + 8 * sd
        (mean, variance) = (mean + (clipped - mean) / 32, 31.0 / 32 * (variance + (clipped - mean) * (clipped - mean) / 32))
        sd = max(variance.squareRoot(), 0.01 * mean)
        #expect(try z(100) == (100 - mean) / sd)
    }

    @Test func zscoreClipsDuringTheWarmUpToo() throws {
        // docs/rules.md's case: 8 x 100, 107 (7 sd, tagged), 1000 clipped, 103.
        let harness = try ExprHarness("zscore(dev, sz) > 6")
        let sizes = [100, 100, 100, 100, 100, 100, 100, 100, 107, 1000, 103]
        let tagged = try sizes.map { try harness.condition(#"{"dev":"a","sz":\#($0)}"#) }
        #expect(tagged == [false, false, false, false, false, false, false, false, true, true, false])
        // During the warm-up: 100, then 200 is clipped to 100 + 8 * 1 = 108.
        let warm = try ExprHarness("zscore(dev, sz)", result: .number)
        for size in [100, 200, 100, 100, 100, 100, 100, 100] { _ = try warm.number(#"{"dev":"a","sz":\#(size)}"#) }
        var (mean, variance) = (100.0, 0.0)
        for size in [108.0, 100, 100, 100, 100, 100, 100] {
            let d = size - mean
            (mean, variance) = (mean + d / 32, 31.0 / 32 * (variance + d * d / 32))
        }
        let sd = max(variance.squareRoot(), 0.01 * mean)
        let score = try #require(try warm.number(#"{"dev":"a","sz":100}"#))
        #expect(abs(score - (100 - mean) / sd) < 1e-12)
    }

    @Test func zscoreFloorsTheDeviationAt1e9() throws {
        let harness = try ExprHarness("zscore(dev, x)", result: .number)
        for _ in 0..<8 { _ = try harness.number(#"{"dev":"a","x":0}"#) }
        let score = try #require(try harness.number(#"{"dev":"a","x":0.000000001}"#))
        #expect(abs(score - 1) < 1e-9)
    }

    @Test func zscoreSurvivesHostileValues() throws {
        let harness = try ExprHarness("zscore(dev, x)", result: .number)
        func z(_ x: String) throws -> Double? { try harness.number(#"{"dev":"a","x":\#(x)}"#) }
        _ = try z("1e308")
        for _ in 0..<3 { _ = try z("-1e308") }
        // Each fold that overflowed restarted the statistics: 8 ordinary values warm them up again.
        for _ in 0..<8 { _ = try z("100") }
        #expect(try z("100") == 0)
        #expect(try z("101") == 1)
    }

    @Test func lastMaxAndDeltaSkipMissingValues() throws {
        let harness = try ExprHarness(["last(dev, seq)", "max(dev, seq)", "delta(dev, seq)"], result: .number)
        func values(_ seq: String) throws -> [Double?] {
            try harness.load(#"{"dev":"a","seq":\#(seq)}"#)
            return (0..<3).map { harness.program.number($0) }
        }
        #expect(try values("5") == [nil, nil, nil])
        #expect(try values("7") == [5, 5, 2])
        #expect(try values("null") == [7, 7, nil])
        #expect(try values("\"8\"") == [7, 7, nil])
        #expect(try values("3") == [7, 7, -4])
        #expect(try values("9") == [3, 7, 6])
        #expect(try values("[1]") == [9, 9, nil])
        #expect(try values("-1e308") == [9, 9, -1e308 - 9])
        #expect(try values("0") == [-1e308, 9, 1e308])
    }

    @Test func keysAreStringsOrNumbersAndNeverBoth() throws {
        let harness = try ExprHarness("last(dev, seq)", result: .number)
        #expect(try harness.number(#"{"dev":"1","seq":1}"#) == nil)
        #expect(try harness.number(#"{"dev":1,"seq":2}"#) == nil, "1 is not \"1\"")
        #expect(try harness.number(#"{"dev":1.0,"seq":3}"#) == 2, "1.0 is 1")
        #expect(try harness.number(#"{"dev":"1","seq":4}"#) == 1)
        #expect(try harness.number(#"{"dev":-0.0,"seq":5}"#) == nil)
        #expect(try harness.number(#"{"dev":0,"seq":6}"#) == 5, "-0 is 0")
        for missing in ["null", "true", "[1]", "{}"] {
            #expect(try harness.number(#"{"dev":\#(missing),"seq":9}"#) == nil, "\(missing) is no key")
        }
        #expect(try harness.number(#"{"seq":9}"#) == nil)
        #expect(harness.program.keysTracked == 3)
        #expect(try harness.number(#"{"dev":"","seq":7}"#) == nil)
        #expect(try harness.number(#"{"dev":"","seq":8}"#) == 7, "the empty string is a key")
    }

    @Test func literalAndComputedKeys() throws {
        let harness = try ExprHarness(["last(\"all\", seq)", "last(seq % 2, seq)"], result: .number)
        func values(_ seq: Int) throws -> [Double?] {
            try harness.load(#"{"seq":\#(seq)}"#)
            return (0..<2).map { harness.program.number($0) }
        }
        #expect(try values(1) == [nil, nil])
        #expect(try values(2) == [1, nil])
        #expect(try values(3) == [2, 1])
        #expect(try values(4) == [3, 2])
        #expect(harness.program.keyExpressions == ["\"all\"", "(seq % 2)"])
    }

    @Test func statefulCallsRunBeforeTheShortCircuit() throws {
        let harness = try ExprHarness(["hr > 1000 and last(dev, seq) == 5", "false and max(dev, seq) > 0", "true or max(dev, seq) == 5"])
        #expect(try harness.conditions(#"{"dev":"a","seq":5,"hr":72}"#) == [false, false, true])
        // Rule 1's `last` saw the first record although `hr > 1000` was false.
        #expect(try harness.conditions(#"{"dev":"a","seq":6,"hr":2000}"#) == [true, false, true])
    }

    @Test func aRuleNotEvaluatedSeesNothing() throws {
        let harness = try ExprHarness(["max(dev, seq) >= 0", "seq <= max(dev, seq)"])
        try harness.load(#"{"dev":"a","seq":9}"#)
        _ = harness.program.condition(0)   // dropped here: rule 2 not reached
        #expect(try harness.conditions(#"{"dev":"a","seq":5}"#) == [true, false])
        #expect(try harness.conditions(#"{"dev":"a","seq":5}"#) == [true, true])
    }

    @Test func oneLookUpPerRecordPerKeyExpression() throws {
        let harness = try ExprHarness(["bucket(dev, 5/s, 20)", "seq <= max(dev, seq)", "seq > max(dev, seq) + 1",
                                       "zscore(dev, sz) > 6", "last(meta.src, seq) > 0"])
        for seq in 0..<10 { _ = try harness.conditions(#"{"dev":"a","seq":\#(seq),"rx":\#(seq),"sz":1,"meta":{"src":"e"}}"#) }
        let lookups = harness.program.tables.map { $0.map.hits + $0.map.misses }
        #expect(harness.program.keyExpressions == ["dev", "meta.src"])
        #expect(lookups == [10, 10])
    }
}
