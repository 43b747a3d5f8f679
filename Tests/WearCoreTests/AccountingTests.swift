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
