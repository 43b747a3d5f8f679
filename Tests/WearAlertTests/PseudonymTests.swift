import Testing
import WearAlert

/// Known answers computed outside Swift (Python: hmac.new(key, date + "|" + dev,
/// sha256), base64.b32encode, first 8 characters), key = bytes 0...31.
@Suite struct PseudonymTests {
    let key = PseudonymKey(bytes: Array(0..<32))

    @Test(arguments: [
        ("2025-11-21", "wr-000042", "VNNHNMH4"),
        ("2025-11-22", "wr-000042", "6COZM7QJ"),
        ("2025-11-21", "wr-000043", "Q2QC64CK"),
    ])
    func matchesTheDesignsHMACBase32Construction(_ date: String, _ dev: String, _ expected: String) {
        #expect(key.pseudonym(dev: dev, date: date) == expected)
    }

    @Test func theSameDeviceIsUnlinkableAcrossDays() {
        #expect(key.pseudonym(dev: "wr-000042", date: "2025-11-21") != key.pseudonym(dev: "wr-000042", date: "2025-11-22"))
    }

    @Test func anEventTimeUsesItsUTCDate() {
        // 1763700000123 ms is 2025-11-21T04:40:00Z; 1763769599999 the last ms of that day.
        #expect(key.pseudonym(dev: "wr-000042", eventTime: 1_763_700_000_123) == "VNNHNMH4")
        #expect(key.pseudonym(dev: "wr-000042", eventTime: 1_763_769_599_999) == "VNNHNMH4")
        #expect(key.pseudonym(dev: "wr-000042", eventTime: 1_763_769_600_000) == "6COZM7QJ")
    }

    @Test(arguments: [(Int64(0), "1970-01-01"), (-1, "1969-12-31"), (1_763_700_000_123, "2025-11-21"),
                      (951_782_400_000, "2000-02-29"), (4_107_542_400_000, "2100-03-01")])
    func utcDatesAreCivilDates(_ ms: Int64, _ date: String) {
        #expect(UTCDate.string(day: UTCDate.day(ms)) == date)
    }

    /// The floor of ms / day at Int64's ends (the subtraction it once did
    /// overflowed near Int64.min: hostile input trapped wear-alert).
    @Test(arguments: [(Int64.min, Int64.min / 86_400_000 - 1), (Int64.max, Int64.max / 86_400_000), (-86_400_000, -1),
                      (-86_400_001, -2), (86_399_999, 0)])
    func daysAreFlooredWithoutOverflow(_ ms: Int64, _ day: Int64) {
        #expect(UTCDate.day(ms) == day)
    }

    @Test func base32IsRFC4648() {
        // RFC 4648 section 10 test vectors, unpadded.
        #expect(Base32.encode(Array("foobar".utf8)) == "MZXW6YTBOI")
        #expect(Base32.encode(Array("f".utf8)) == "MY")
        #expect(Base32.encode([]) == "")
    }
}
