import Testing
@testable import WearCore

@Suite struct RejectReasonTests {
    @Test(arguments: ["bad_json", "rule:hr_range", "auth_failed", "rule:flood-2", "x1"])
    func acceptsSnakeCaseCodes(_ code: String) {
        #expect(RejectReason.isValid(code))
    }

    @Test(arguments: ["", "Bad", "bad json", "a:b:c", ":x", "rule:", "1abc", "bad.json"])
    func refusesAnythingElse(_ code: String) {
        #expect(!RejectReason.isValid(code))
    }
}

@Suite struct RejectTests {
    @Test func writesTheDocumentedShape() {
        let input = Array(#"{"dev":"x"}"#.utf8)
        let reject = Reject(stage: "wear-filter", reason: RejectReason("rule:hr_range"), line: 12, detail: "hr < 20", input: input)
        #expect(reject.document().dumped() ==
                #"{"stage":"wear-filter","reason":"rule:hr_range","line":12,"detail":"hr < 20","input":"{\"dev\":\"x\"}"}"#)
    }

    @Test func cutsTheInputAt4KiB() {
        let reject = Reject(stage: "s", reason: .lineTooLong, line: 1, detail: "", input: [UInt8](repeating: 0x61, count: 10_000))
        #expect(reject.input.count == 4096)
        #expect(reject.document()["input"]?.stringValue?.utf8.count == 4096)
    }

    @Test func aCutThroughAMultibyteCharacterStaysValidJSON() throws {
        let input = [UInt8](repeating: 0x61, count: 4095) + [0xC3, 0xA9]
        let dumped = Reject(stage: "s", reason: .badJSON, line: 1, detail: "", input: input).document().dumpedBytes()
        let parser = JSONParser(capacity: 1 << 16)
        let parsed = try parser.parse(copying: dumped).get()
        #expect(parsed["input"]?.string?.hasSuffix("a\u{FFFD}") == true)
    }
}

@Suite struct LedgerTests {
    @Test func balancesWhenEveryRecordIsAccountedFor() {
        var ledger = Ledger()
        for _ in 0..<5 { ledger.countIn(bytes: 10) }
        ledger.countOut(); ledger.countOut(); ledger.countOut()
        ledger.countReject(.badJSON)
        #expect(!ledger.balances)
        ledger.countReject(.lineTooLong)
        #expect(ledger.balances)
        #expect(ledger.summary == "in=5 out=3 rejected=2 (bad_json=1, line_too_long=1)")
        #expect(ledger.bytesIn == 50)
    }
}

@Suite struct WarningLimiterTests {
    @Test func letsABurstThroughThenOnePerIntervalAndCountsTheRest() {
        var limiter = WarningLimiter(burst: 3, interval: .seconds(1))
        let start = ContinuousClock.now
        let admitted = (0..<10).map { limiter.admit(now: start + .milliseconds($0)) }
        #expect(admitted.prefix(3).allSatisfy { $0 == 0 })
        #expect(admitted.dropFirst(3).allSatisfy { $0 == nil })
        #expect(limiter.suppressed == 7)
        // A second later one more gets through and reports what was held back.
        #expect(limiter.admit(now: start + .milliseconds(1200)) == 7)
        #expect(limiter.suppressed == 0)
        #expect(limiter.suppressedTotal == 7)
    }
}

@Suite struct RejectReasonValidationTests {
    @Test func aValidCodeFromTextIsAccepted() throws {
        #expect(try RejectReason(validating: "rule:hr_range").code == "rule:hr_range")
        #expect(try RejectReason.rule("flood").code == "rule:flood")
    }

    @Test(arguments: ["Hr-Range", "hr range", "", "a:b:c"])
    func aRuleNameThatIsNotSnakeCaseThrowsInsteadOfTrapping(_ name: String) {
        #expect(throws: InvalidRejectReason.self) { try RejectReason.rule(name) }
    }

    @Test func theErrorSaysWhatACodeMayHold() {
        do {
            _ = try RejectReason(validating: "Bad Code")
            Issue.record("accepted")
        } catch {
            #expect(error.description == "'Bad Code' is not a reject reason: use lower-case snake_case words (a-z, 0-9, _ or -, starting with a letter), optionally after one 'prefix:'")
        }
    }
}

@Suite struct RejectDecodingTests {
    let parser = JSONParser(capacity: 1 << 16)

    @Test func readsBackWhatTheWriterWrites() throws {
        let reject = Reject(stage: "wear-filter", reason: RejectReason("rule:hr_range"), line: 12, detail: "hr < 20",
                            input: Array(#"{"dev":"x"}"#.utf8))
        #expect(try Reject.decode(reject.document().dumpedBytes(), parser: parser) == reject)
    }

    @Test(arguments: [
        (#"[1]"#, "not a JSON object"),
        (#"{"reason":"x","line":1}"#, "no string \"stage\""),
        (#"{"stage":"s","line":1}"#, "no string \"reason\""),
        (#"{"stage":"s","reason":"Bad","line":1}"#, "\"reason\": 'Bad' is not a reject reason: use lower-case snake_case words (a-z, 0-9, _ or -, starting with a letter), optionally after one 'prefix:'"),
        (#"{"stage":"s","reason":"x","line":0}"#, "no positive integer \"line\""),
        (#"{"stage":"s","reason":"x","line":"7"}"#, "no positive integer \"line\""),
    ])
    func refusesALineThatIsNotARejectRecord(_ text: String, _ message: String) {
        #expect(throws: RejectDecodingError(message)) { try Reject.decode(Array(text.utf8), parser: parser) }
    }

    @Test func detailAndInputAreOptional() throws {
        let reject = try Reject.decode(Array(#"{"stage":"wear-decrypt","reason":"bad_jwe","line":3}"#.utf8), parser: parser)
        #expect(reject.detail == "")
        #expect(reject.input.isEmpty)
    }
}

@Suite struct ExitStatusMappingTests {
    struct Surprise: Error {}

    @Test func eachKnownErrorMapsToItsStatus() {
        #expect(StageFailure(StageFailure(status: .noInput, message: "m")).status == .noInput)
        #expect(StageFailure(ConfigError(file: "f", line: 2, column: 3, message: "bad")).status == .config)
        #expect(StageFailure(ConfigError(file: "f", line: 2, column: 3, message: "bad")).message == "f:2:3: bad")
        #expect(StageFailure(WriteFailure.closed).quiet)
        #expect(StageFailure(WriteFailure.closed).status == .ioError)
        #expect(StageFailure(WriteFailure.io(28)).message == "writing output: No space left on device")
    }

    @Test func anUnexpectedErrorIsASoftwareErrorNotAConfigError() {
        let failure = StageFailure(Surprise())
        #expect(failure.status == .software)
        #expect(failure.status.rawValue == 70)
        #expect(failure.message.hasPrefix("unexpected error: "))
    }
}
