import Testing
import WearCore

/// EventTime clamps to ±2^53 ms, so the integer math every stage does on
/// times (windows, gaps, days) cannot overflow whatever a record says.
@Suite struct EventTimeTests {
    @Test(arguments: [
        ("1763700000123", Int64(1_763_700_000_123)), ("-1", -1), ("0", 0), ("1.9", 1), ("-1.5", -2),
        ("9223372036854775807", EventTime.limit), ("-9223372036854775808", -EventTime.limit),
        ("18446744073709551615", EventTime.limit), ("1e300", EventTime.limit), ("-1e300", -EventTime.limit),
        ("9007199254740993", EventTime.limit), ("9007199254740991", 9_007_199_254_740_991),
    ])
    func numbersAreTimesClampedToTwoToThe53(_ text: String, _ expected: Int64) throws {
        let parser = JSONParser(capacity: 256)
        let value = try parser.parse(copying: "{\"t\":\(text)}").get()
        let member = try #require(value["t"])
        #expect(EventTime.milliseconds(member) == expected)
    }

    @Test(arguments: ["\"1763700000123\"", "null", "true", "[]", "{}"])
    func otherValuesAreNoTime(_ text: String) throws {
        let parser = JSONParser(capacity: 256)
        let value = try parser.parse(copying: "{\"t\":\(text)}").get()
        let member = try #require(value["t"])
        #expect(EventTime.milliseconds(member) == nil)
    }

    @Test func twoTimesSubtractWithoutOverflow() throws {
        let parser = JSONParser(capacity: 256)
        let value = try parser.parse(copying: #"{"a":-9223372036854775808,"b":9223372036854775807}"#).get()
        let a = try #require(value["a"].flatMap(EventTime.milliseconds))
        let b = try #require(value["b"].flatMap(EventTime.milliseconds))
        #expect(b - a == 2 * EventTime.limit)
    }
}
