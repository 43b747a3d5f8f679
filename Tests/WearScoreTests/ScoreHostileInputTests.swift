import Foundation
import Testing
import WearCore
import WearTesting
@testable import WearScore

/// Values and times no device sends, on the paths where they once trapped
/// (found by feeding wear-score generated hostile records, 2026-12-06):
/// event times of opposite signs far apart overflowed the inter-arrival
/// subtraction (times are now WearCore's EventTime, clamped to ±2^53 ms),
/// and finite values near Float's range made a residual's |z| infinite,
/// which the tail table's index conversion trapped on.
@Suite struct ScoreHostileInputTests {
    /// Times come from EventTime (clamped to ±2^53 ms; EventTimeTests): the
    /// gap between its two ends is finite.
    @Test func interArrivalOfTimesFarApartDoesNotOverflow() {
        var latest: Int64 = -1
        let gap = ScoreShard.interArrival(&latest, EventTime.limit)
        #expect(gap.isFinite && gap > 9e12, "\(gap)")
        #expect(latest == EventTime.limit)
        latest = -EventTime.limit
        #expect(ScoreShard.interArrival(&latest, EventTime.limit) == Float(Double(2 * EventTime.limit) / 1000))
        latest = 1_000
        #expect(ScoreShard.interArrival(&latest, 3_500) == 2.5)
        #expect(ScoreShard.interArrival(&latest, 3_000).isNaN, "not later: no gap, the clock kept")
        #expect(latest == 3_500)
    }

    @Test func laneValuesAreClampedAndNonFiniteOnesLeftOut() {
        #expect(ScoreShard.laneValue(1e30) == 1e18)
        #expect(ScoreShard.laneValue(-Double.greatestFiniteMagnitude) == -1e18)
        #expect(ScoreShard.laneValue(72.5) == 72.5)
        #expect(ScoreShard.laneValue(.infinity).isNaN, "an expression's division by zero: no value")
        #expect(ScoreShard.laneValue(-.infinity).isNaN)
        #expect(ScoreShard.laneValue(.nan).isNaN)
    }

    @Test func theTailOfAnInfiniteResidualIsEmptyNotATrap() {
        let tail = ResidualTail(tail: 2.5)
        for h in [0.0, 0.116, 0.3, 0.5, 2.0] {
            #expect(tail.logConditional(.infinity, h: h) == -.infinity, "h \(h)")
        }
        #expect(Calibration.residualP(.infinity, shape: tail, q: 0.01, h: 0.2, hFloor: 0.05) == 0)
    }

    /// Deterministic hostile records: extreme numbers in every feature,
    /// extreme and out-of-order times, wrong types, odd keys, earlier
    /// scores; every line is completed (in = out + rejects), every score is
    /// null or in [0, 1], every `why` z finite.
    @Test(arguments: [1, 2])
    func hostileRecordsAreScoredOrRejectedNeverATrap(workers: Int) throws {
        var random = SplitMix64(state: UInt64(41 + workers))
        let numbers = ["0", "-0.0", "1e308", "-1e308", "5e-324", "3.4028234e38", "-3.4e38", "1e39", "9223372036854775807",
                       "-9223372036854775808", "18446744073709551615", "\"12\"", "null", "true", "[]", "{}", "[1e308,1e308,1e308]",
                       "[1,2]", "[\"a\"]", "65504", "1e-300"]
        let times = ["9223372036854775807", "-9223372036854775808", "-1", "0", "1e300", "\"x\"", "9e15", "1763700000000"]
        let keys = ["d1", "d2", "d3", "", #"\u0000"#, #"\ud83d\ude00"#, String(repeating: "k", count: 300), #"\"q\""#]
        let fields = ["hr", "spo2", "temp", "acc", "gyro", "sz", "rx", "ts", "flags", "score", "why"]
        func pick(_ choices: [String]) -> String { choices[Int(random.next() % UInt64(choices.count))] }
        var lines: [String] = []
        for index in 0..<3_000 {
            var members = ["\"dev\":\"\(pick(keys))\""]
            for field in fields where random.next() % 10 < 6 {
                let value: String
                switch field {
                case "rx", "ts": value = random.next() % 3 == 0 ? pick(times) : String(1_763_700_000_000 + index * 1_000)
                case "flags": value = pick(["[]", "[\"a\"]", "[\"a\",1]", "\"x\"", "null"])
                default: value = random.next() % 3 == 0 ? pick(numbers) : String(Double(random.next() % 1_000) / 10)
                }
                members.append("\"\(field)\":\(value)")
            }
            lines.append("{" + members.joined(separator: ",") + "}")
        }
        let configuration = try ScoreConfiguration(features: Feature.telemetry, key: "dev", parameters: {
            var parameters = DetectorParameters()
            parameters.warmup = 8
            return parameters
        }())
        let harness = try StageHarness(try ScoreStage(configuration: configuration,
                                                      sharding: ShardingOptions(key: "dev", workers: workers)))
        try harness.feed(lines: lines)
        let outcome = try harness.finish()
        #expect(outcome.ledger.recordsIn == lines.count)
        #expect(outcome.ledger.balances, "\(outcome.ledger.summary)")
        #expect(outcome.outputLines.count == outcome.ledger.recordsOut)
        var scored = 0
        for line in outcome.outputLines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
            if let score = object["score"] as? Double {
                scored += 1
                #expect(score >= 0 && score <= 1, "\(line)")
            } else {
                #expect(object["score"] is NSNull, "\(line)")
            }
            let why = try #require(object["why"] as? [[String: Any]], "\(line)")
            #expect(why.count <= ScoreText.top)
            for entry in why { #expect((entry["z"] as? Double)?.isFinite == true, "\(line)") }
        }
        #expect(scored > 100, "the devices warmed up and were scored: \(scored)")
    }

    /// A value far beyond Float's range is scored as ±1e18: still an alarm,
    /// not a missing value an attacker could hide behind.
    @Test func anAbsurdValueIsAnAlarmNotAGap() throws {
        let configuration = try ScoreConfiguration(features: [Feature(name: "v", source: .expression("v"))], key: "dev")
        let harness = try StageHarness(try ScoreStage(configuration: configuration,
                                                      sharding: ShardingOptions(key: "dev", workers: 1)))
        var lines = (0..<300).map { #"{"dev":"a","ts":\#(1_000 * $0),"v":\#(50 + Double($0 % 7) / 3)}"# }
        lines.append(#"{"dev":"a","ts":300000,"v":1e300}"#)
        lines.append(#"{"dev":"a","ts":301000,"v":-3.4e38}"#)
        try harness.feed(lines: lines)
        let outcome = try harness.finish()
        #expect(outcome.ledger.balances)
        for line in outcome.outputLines.suffix(2) {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect((object["score"] as? Double ?? 0) >= 0.9999, "\(line)")
        }
    }
}
