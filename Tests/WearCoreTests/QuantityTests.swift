import Testing
import WearCore

@Suite struct QuantityParsingTests {
    @Test(arguments: [
        ("500ms", Duration.milliseconds(500)), ("30s", .seconds(30)), ("5m", .seconds(300)),
        ("2h", .seconds(7200)), ("1d", .seconds(86400)), ("1.5s", .milliseconds(1500)), ("0s", .zero),
    ])
    func readsDurations(_ text: String, _ expected: Duration) throws {
        #expect(try Duration(parsing: text) == expected)
    }

    @Test(arguments: [
        ("4096", 4096), ("4096B", 4096), ("4KiB", 4096), ("1MiB", 1 << 20), ("1GiB", 1 << 30),
        ("1KB", 1000), ("1.5KiB", 1536), ("2MB", 2_000_000),
    ])
    func readsSizes(_ text: String, _ bytes: Int) throws {
        #expect(try ByteSize(parsing: text).bytes == bytes)
    }

    @Test(arguments: [
        ("5/s", 5.0, Duration.seconds(1)), ("100/24h", 100, .seconds(86400)), ("3/10s", 3, .seconds(10)),
        ("17/24h", 17, .seconds(86400)), ("0.5/m", 0.5, .seconds(60)),
    ])
    func readsRatesAsACountPerWindow(_ text: String, _ count: Double, _ window: Duration) throws {
        let rate = try Rate(parsing: text)
        #expect(rate.count == count)
        #expect(rate.window == window)
    }

    @Test func aRateKnowsItsEventsPerSecond() throws {
        #expect(try Rate(parsing: "5/s").perSecond == 5)
        #expect(try Rate(parsing: "120/m").perSecond == 2)
    }

    @Test(arguments: [
        ("abc", "expected a duration such as 90s, 10m or 2h, found 'abc'"),
        ("", "expected a duration such as 90s, 10m or 2h, found nothing"),
        ("-5s", "expected a duration such as 90s, 10m or 2h, found '-5s'"),
        ("90", "'90' needs a unit: ms, s, m, h or d (e.g. 90s)"),
        ("5x", "unknown unit 'x' in '5x': use ms, s, m, h or d"),
        ("4KiB", "expected a duration such as 90s, 10m or 2h, found a size '4KiB'"),
        ("10s5", "unexpected '5' after '10s'"),
        ("99999999d", "too long: at most 36500d (100 years)"),
    ])
    func aBadDurationSaysWhatADurationLooksLike(_ text: String, _ message: String) {
        #expect(throws: QuantityError.self) { try Duration(parsing: text) }
        do {
            _ = try Duration(parsing: text)
        } catch {
            #expect(error.message == message)
        }
    }

    @Test(arguments: [
        ("1.3B", "not a whole number of bytes (1.3)"),
        ("4kb", "unknown unit 'kb' in '4kb': use B, KiB, MiB, GiB, TiB (powers of 1024) or KB, MB, GB, TB (powers of 1000)"),
        ("5s", "expected a size such as 4096, 64KiB or 1MiB, found a duration '5s'"),
        ("2000000TiB", "too large: at most 1024TiB"),
    ])
    func aBadSizeSaysWhy(_ text: String, _ message: String) {
        do {
            _ = try ByteSize(parsing: text)
            Issue.record("\(text) parsed")
        } catch {
            #expect(error.message == message)
        }
    }

    @Test(arguments: ["5", "5/x", "5/", "/s", "5/0s"])
    func aBadRateShowsTheForm(_ text: String) {
        do {
            _ = try Rate(parsing: text)
            Issue.record("\(text) parsed")
        } catch {
            let expected = text == "5/0s" ? "a rate's window must be longer than zero"
                : "expected a rate such as 5/s or 100/24h (a count, '/', a window in ms, s, m, h or d), found '\(text)'"
            #expect(error.message == expected)
        }
    }

    @Test(arguments: ["10s", "5m", "500ms", "2h", "1d", "1.5s", "90s"])
    func aDurationsDescriptionReadsBackTheSame(_ text: String) throws {
        let duration = try Duration(parsing: text)
        #expect(try Duration(parsing: duration.quantityDescription) == duration)
    }

    @Test func sizesAndRatesPrintAsAnOperatorWritesThem() throws {
        #expect(ByteSize(bytes: 1 << 20).description == "1MiB")
        #expect(ByteSize(bytes: 64 << 10).description == "64KiB")
        #expect(ByteSize(bytes: 1000).description == "1000")
        #expect(try Rate(parsing: "5/s").description == "5/s")
        #expect(try Rate(parsing: "100/24h").description == "100/24h")
    }
}

/// The scanner the rule language's lexer calls: where a quantity ends, and
/// where a bad one went wrong (byte offsets into the whole line).
@Suite struct QuantityScannerTests {
    func scan(_ line: String, from offset: Int) throws(QuantityError) -> (Quantity, Int) {
        let result = try QuantityScanner.scan(Array(line.utf8), from: offset)
        return (result.quantity, result.end)
    }

    @Test func stopsAtTheEndOfTheQuantityInsideALine() throws {
        let (quantity, end) = try scan("drop oversize sz > 4KiB and x", from: 19)
        #expect(quantity == .size(ByteSize(bytes: 4096)))
        #expect(end == 23)
    }

    @Test func readsARateInsideAFunctionCall() throws {
        let line = "bucket(dev, 5/s, 20)"
        let (quantity, end) = try scan(line, from: 12)
        #expect(quantity == .rate(Rate(count: 5, per: .seconds(1))))
        #expect(Array(line.utf8)[end] == UInt8(ascii: ","))
    }

    @Test func aSlashWithoutAWindowIsLeftForTheCaller() throws {
        let (quantity, end) = try scan("10/2", from: 0)
        #expect(quantity == .number(10))
        #expect(end == 2)
        let (field, fieldEnd) = try scan("10/sz", from: 0)
        #expect(field == .number(10))
        #expect(fieldEnd == 2)
    }

    @Test func reportsTheOffsetOfAnUnknownUnit() {
        do {
            _ = try scan("skew abs(rx - ts) > 30sec", from: 20)
            Issue.record("30sec parsed")
        } catch {
            #expect(error.offset == 22)
            #expect(error.problem == .unknownUnit)
            #expect(error.message.hasPrefix("unknown unit 'sec'"))
        }
    }

    @Test func reportsTheOffsetWhereANumberWasExpected() {
        do {
            _ = try scan("hr > fast", from: 5)
            Issue.record("parsed")
        } catch {
            #expect(error.offset == 5)
            #expect(error.message == "expected a number, found 'fast'")
        }
    }
}
