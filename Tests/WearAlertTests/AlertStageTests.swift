import Foundation
import Logging
import Testing
import WearCore
import WearTesting
@testable import WearAlert

/// Wall time moved with the harness's manual clock (a budget test never sleeps).
struct HarnessWallClock: WallClock {
    let clock: ManualClock
    let epoch: Int64
    var milliseconds: Int64 { epoch + clock.now.nanoseconds / 1_000_000 }
}

/// Scored records as wear-score writes them.
enum Scored {
    static func line(dev: String, rx: Int64, score: Double?, why: [(String, String, Double)] = [], flags: [String] = [],
                     seq: Int = 1, extra: String = "") -> String {
        let whyText = why.map { #"{"feature":"\#($0.0)","kind":"\#($0.1)","z":\#($0.2)}"# }.joined(separator: ",")
        let flagsText = flags.isEmpty ? "" : #","flags":["# + flags.map { "\"\($0)\"" }.joined(separator: ",") + "]"
        let scoreText = score.map { "\($0)" } ?? "null"
        return #"{"dev":"\#(dev)","seq":\#(seq),"ts":\#(rx - 40),"rx":\#(rx)\#(extra)\#(flagsText),"score":\#(scoreText),"why":[\#(whyText)]}"#
    }
}

/// The stage through the real batch runner: receipts, budget and digest
/// accounting, the state file, the ledger, anonymity.
@Suite struct AlertStageTests {
    static let key = PseudonymKey(bytes: Array("alert-stage-test-key-0123456789ab".utf8))
    static let start: Int64 = 1_763_700_000_000

    static func configuration(budget: Int = 17, digestInterval: Int64 = 3_600_000) -> AlertConfiguration {
        var configuration = AlertConfiguration(pseudonymKey: key)
        configuration.files.pseudonymKey = "test"  // a fixed key: no notice about a random one
        configuration.budgetLimit = budget
        configuration.digestInterval = digestInterval
        return configuration
    }

    static func harness(_ configuration: AlertConfiguration, state: AlertStateOptions? = nil,
                        clock: ManualClock = ManualClock()) throws -> StageHarness<AlertStage<DryRunSink>> {
        let wall = HarnessWallClock(clock: clock, epoch: 1_800_000_000_000)
        let stage = try AlertStage(configuration: configuration, sink: DryRunSink(), state: state, wallClock: wall,
                                   logger: Logger(label: "test"))
        return try StageHarness(stage, clock: clock)
    }

    static func receipts(_ lines: [String]) throws -> [AlertReceipt] {
        let parser = JSONParser(capacity: 1 << 16)
        return try lines.map { line in
            guard case .success(let root) = parser.parse(copying: Array(line.utf8)) else { throw TestSupportError("not JSON: \(line)") }
            return try AlertReceipt(decoding: root)
        }
    }

    @Test func aRecordBelowTheThresholdIsConsumedWithoutAReceipt() throws {
        let harness = try Self.harness(Self.configuration())
        try harness.feed(lines: [Scored.line(dev: "a", rx: Self.start, score: 0.5), Scored.line(dev: "a", rx: Self.start + 1, score: nil),
                                 #"{"dev":"a","rx":1}"#])
        let outcome = try harness.finish()
        #expect(outcome.output.isEmpty)
        #expect(outcome.ledger.recordsIn == 3 && outcome.ledger.recordsOut == 3)
        #expect(outcome.ledgerProblems(outputIsRecords: false).isEmpty)
    }

    @Test func anOpeningAndAnEscalationArePostsAndExtensionsAreNot() throws {
        let harness = try Self.harness(Self.configuration())
        try harness.feed(lines: [
            Scored.line(dev: "wr-1", rx: Self.start, score: 0.99995, why: [("acc_mag", "level", 4.2)]),
            Scored.line(dev: "wr-1", rx: Self.start + 1000, score: 0.99999, why: [("acc_mag", "level", 4.8)]),
            Scored.line(dev: "wr-1", rx: Self.start + 2000, score: 1, why: [("acc_mag", "change", 11.0)]),
        ])
        let outcome = try harness.finish()
        let receipts = try Self.receipts(outcome.outputLines)
        #expect(receipts.map(\.status) == [.dryRun, .dryRun])
        #expect(receipts.map(\.severity) == ["low", "critical"])
        #expect(receipts[0].text.hasPrefix("Incident opened: tamper, severity low, device \(receipts[0].pseudonym ?? "?")"))
        #expect(receipts[1].text.hasPrefix("Incident escalated: tamper, severity critical"))
        #expect(receipts[1].text.contains("3 anomalous records (why: acc_mag change)"))
        #expect(Set(receipts.map(\.incident)).count == 1 && receipts[0].dev == "wr-1" && receipts[0].opened == Self.start)
        #expect(outcome.ledgerProblems(outputIsRecords: false).isEmpty)
    }

    @Test func badScoresAndAnomaliesWithoutADeviceAreRejects() throws {
        let harness = try Self.harness(Self.configuration())
        try harness.feed(lines: [#"{"dev":"a","rx":1,"score":"high"}"#, #"{"rx":1,"score":1,"why":[]}"#, #"{"dev":"a","rx":1,"score":0.2}"#])
        let outcome = try harness.finish()
        #expect(outcome.rejectReasons == ["bad_score", "missing_key"])
        #expect(outcome.ledger.recordsOut == 1)
        #expect(outcome.ledgerProblems(outputIsRecords: false).isEmpty)
    }

    /// Event times no clock has (Int64's ends, negative, past year 9999,
    /// 1e300, strings) count as absent: the anomaly takes the watermark,
    /// nothing traps, and a later real time is still the watermark.
    @Test func eventTimesNoClockHasCountAsAbsent() throws {
        let harness = try Self.harness(Self.configuration())
        let absurd = ["9223372036854775807", "-9223372036854775808", "-1", "253402300800000", "1e300", "-1e300", "\"x\"", "[]"]
        var lines = absurd.enumerated().map { index, time in
            #"{"dev":"d\#(index)","rx":\#(time),"score":1,"why":[{"feature":"hr","kind":"level","z":9}]}"#
        }
        lines.append(Scored.line(dev: "late", rx: Self.start, score: 1, why: [("hr", "level", 9)]))
        lines.append(#"{"dev":"edge","ts":253402300799999,"score":1,"why":[]}"#)
        try harness.feed(lines: lines)
        let outcome = try harness.finish()
        let receipts = try Self.receipts(outcome.outputLines)
        #expect(receipts.count == lines.count, "one opening each")
        #expect(receipts.prefix(absurd.count).allSatisfy { $0.opened == 0 }, "before any real time: the watermark's 0")
        #expect(receipts[absurd.count].opened == Self.start)
        #expect(receipts.last?.opened == 253_402_300_799_999)
        #expect(receipts.last?.text.contains("9999-12-31 23:00Z") == true, "\(receipts.last?.text ?? "")")
        #expect(outcome.ledgerProblems(outputIsRecords: false).isEmpty)
    }

    /// Many incidents over a small budget, arriving over wall time at
    /// random: every incident is in exactly one post or digest, a queued
    /// one's receipts say queued then digest, and the budget holds.
    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func everyIncidentIsInExactlyOnePostOrDigest(seed: UInt64) throws {
        var random = SplitMix64(state: seed)
        let budget = Int.random(in: 1...6, using: &random)
        let harness = try Self.harness(Self.configuration(budget: budget, digestInterval: 600_000))
        let categories = [("hr", "level"), ("acc_mag", "change"), ("all", "stuck"), ("dt", "level")]
        var time = Self.start
        for _ in 0..<300 {
            time += Int64.random(in: 0...120_000, using: &random)
            let dev = "wr-\(Int.random(in: 0..<40, using: &random))"
            let (feature, kind) = categories[Int.random(in: 0..<categories.count, using: &random)]
            let score = Double.random(in: 0...1, using: &random) < 0.6 ? 0.99999 : 0.3
            try harness.feed(lines: [Scored.line(dev: dev, rx: time, score: score, why: [(feature, kind, Double.random(in: 4...12, using: &random))])])
            if Int.random(in: 0..<10, using: &random) == 0 { try harness.advance(by: .seconds(Int64.random(in: 1...3600, using: &random))) }
        }
        let outcome = try harness.finish()
        let receipts = try Self.receipts(outcome.outputLines)
        let stage = harness.stage
        let metrics = stage.metrics()
        let opened = metrics.first { $0.name == "wear_alert_incidents_total" }?.samples.first { $0.labels.contains { $0.value == "opened" } }?.value
        var own: [String: Int] = [:], digested: [String: Int] = [:], queued: Set<String> = []
        var digests: [String: Int] = [:]
        for receipt in receipts {
            switch receipt.status {
            case .dryRun where receipt.digest != nil: digests[receipt.incident] = 0
            case .dryRun where receipt.text.hasPrefix("Incident opened"): own[receipt.incident, default: 0] += 1
            case .queued: queued.insert(receipt.incident)
            case .digest:
                digested[receipt.incident, default: 0] += 1
                #expect(queued.contains(receipt.incident), "\(receipt.incident) in a digest without being queued first")
                if let digest = receipt.digest { digests[digest, default: 0] += 1 }
            default: break
            }
        }
        let all = Set(own.keys).union(digested.keys)
        #expect(Double(all.count) == opened, "incidents announced vs opened")
        #expect(Set(own.keys).isDisjoint(with: digested.keys))
        #expect(own.values.allSatisfy { $0 == 1 } && digested.values.allSatisfy { $0 == 1 })
        #expect(queued == Set(digested.keys), "every queued incident reaches a digest (no --state: the last one at the end)")
        // Each digest's text counts exactly the incidents that name it.
        for receipt in receipts where receipt.digest != nil && receipt.status == .dryRun {
            #expect(receipt.text.hasPrefix("\(digests[receipt.incident] ?? -1) more incidents"), "\(receipt.text)")
        }
        #expect(outcome.ledgerProblems(outputIsRecords: false).isEmpty)
    }

    @Test func aRunSplitByTheStateFileWritesWhatOneRunWrites() throws {
        var random = SplitMix64(state: 42)
        var lines: [String] = []
        var time = Self.start
        for index in 0..<400 {
            time += Int64.random(in: 0...30_000, using: &random)
            let score = Double.random(in: 0...1, using: &random) < 0.3 ? 0.99999 : 0.1
            let z = Double.random(in: 4...12, using: &random)
            lines.append(Scored.line(dev: "wr-\(index % 13)", rx: time, score: score, why: [(["hr", "acc_mag", "all"][index % 3], index % 3 == 2 ? "stuck" : "level", z)]))
        }
        let configuration = Self.configuration(budget: 8, digestInterval: 7_200_000)
        let scratch = try TemporaryDirectory()
        let oneState = AlertStateOptions(path: scratch.file("one.state").path)
        let one = try Self.harness(configuration, state: oneState)
        // Ten records, then 30 minutes of wall time: digests come due on the way.
        func feed(_ harness: StageHarness<AlertStage<DryRunSink>>, _ part: ArraySlice<String>) throws {
            for start in stride(from: part.startIndex, to: part.endIndex, by: 10) {
                try harness.feed(lines: Array(part[start..<min(start + 10, part.endIndex)]))
                try harness.advance(by: .seconds(1800))
            }
        }
        try feed(one, lines[...])
        let whole = try one.finish().output

        let state = AlertStateOptions(path: scratch.file("alert.state").path)
        let clock = ManualClock()
        let first = try Self.harness(configuration, state: state, clock: clock)
        try feed(first, lines[..<170])
        let firstOutput = try first.finish().output
        let second = try Self.harness(configuration, state: state, clock: clock)
        try feed(second, lines[170...])
        let secondOutput = try second.finish().output
        // The split run keeps the queue in the state file at the first end
        // (no early digest); at the last end both keep theirs, the same.
        if firstOutput + secondOutput != whole {
            let split = (firstOutput + secondOutput).split(separator: "\n"), oneRun = whole.split(separator: "\n")
            let at = (0..<min(split.count, oneRun.count)).first { split[$0] != oneRun[$0] } ?? min(split.count, oneRun.count)
            Issue.record("split run differs at receipt \(at + 1) of \(oneRun.count) (split run: \(split.count)):\n  one:   \(at < oneRun.count ? oneRun[at] : "-")\n  split: \(at < split.count ? split[at] : "-")")
        }
        #expect(whole.contains(#""status":"queued""#) && whole.contains(#""status":"digest""#), "the case folds and digests")
        #expect(try Data(contentsOf: scratch.file("one.state")) == Data(contentsOf: URL(fileURLWithPath: state.path)))
        let mode = try FileManager.default.attributesOfItem(atPath: state.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func aCorruptStateFileIsRefusedWithTheWayOut() throws {
        let scratch = try TemporaryDirectory()
        let path = scratch.file("alert.state").path
        var bytes = AlertState().encoded()
        bytes[bytes.count - 12] ^= 0x40  // one flipped bit in the body
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let failure = #expect(throws: StageFailure.self) {
            _ = try AlertStage(configuration: Self.configuration(), sink: DryRunSink(), state: AlertStateOptions(path: path),
                               logger: Logger(label: "test"))
        }
        #expect(failure?.status == .config)
        #expect(failure?.message == "state file \(path) is corrupt (checksum mismatch); move it away or pass --state-reset to start fresh")
        _ = try AlertStage(configuration: Self.configuration(), sink: DryRunSink(), state: AlertStateOptions(path: path, reset: true),
                           logger: Logger(label: "test"))
    }

    @Test func theStateFileRoundTrips() throws {
        var queue = DigestQueue(entries: [QueuedIncident(id: "Q-sensor-5", dev: "wr-9", pseudonym: "BBBBBBBB", category: .sensor,
                                                         opened: 5, queuedAt: 77)], sequence: 3)
        queue.append(QueuedIncident(id: "Q-traffic-6", dev: "wr-8", pseudonym: "CCCCCCCC", category: .traffic, opened: 6, queuedAt: 78))
        let incident = Incident(id: "A-tamper-1", dev: "wr-1", category: .tamper, pseudonym: "AAAAAAAA", opened: 1, last: 9,
                                count: 4, severity: .high, why: [WhyItem(feature: "acc_mag", kind: "change")!], folded: true)
        let state = AlertState(watermark: 9, nextSweep: 600_010, budgetSpent: [10, 20], queue: queue, incidents: [incident])
        #expect(try AlertState(StateFile(decoding: state.encoded())) == state)
        var truncated = state.encoded()
        truncated.removeLast(9)
        #expect(throws: StateFileError.self) { try AlertState(StateFile(decoding: truncated)) }
    }

    /// Anonymity end to end: records with planted device ids, seqs, raw
    /// values, addresses and firmware; no receipt's text holds any of them
    /// (receipts' `dev` does: receipts stay on the backend).
    @Test func noReceiptTextHoldsADeviceIdSeqValueAddressOrFirmware() throws {
        var random = SplitMix64(state: 7)
        let harness = try Self.harness(Self.configuration(budget: 5, digestInterval: 60_000))
        var planted: [String] = []
        var time = Self.start
        for index in 0..<500 {
            time += Int64.random(in: 1...60_000, using: &random)
            let dev = "dev-\(UInt32.random(in: 100_000...999_999, using: &random))x"
            let seq = Int.random(in: 1_000_000...9_999_999, using: &random)
            let hr = Int.random(in: 300...999, using: &random)
            let ip = "10.\(index % 250).\(Int.random(in: 0...255, using: &random)).77"
            let fw = "9.\(Int.random(in: 10...99, using: &random)).\(Int.random(in: 100...999, using: &random))"
            planted += [dev, String(seq), "\"hr\":\(hr)", ip, fw, String(time)]
            let features = ["hr", "acc_mag", "all", "dt", "spo2"]
            try harness.feed(lines: [Scored.line(dev: dev, rx: time, score: 0.99999,
                                                 why: [(features[index % features.count], index % 5 == 2 ? "stuck" : "level", 6.0 + Double(index % 7))],
                                                 flags: index % 4 == 0 ? ["replay"] : [], seq: seq,
                                                 extra: #","hr":\#(hr),"fw":"\#(fw)","meta":{"ip":"\#(ip)"}"#)])
            if index % 50 == 0 { try harness.advance(by: .seconds(120)) }
        }
        let outcome = try harness.finish()
        let receipts = try Self.receipts(outcome.outputLines)
        #expect(receipts.count > 100)
        for receipt in receipts {
            for secret in planted where receipt.text.contains(secret) {
                Issue.record("receipt text holds \(secret): \(receipt.text)")
            }
            #expect(receipt.text.hasSuffix(" #ShitOpsCyberWatch"))
            #expect(TweetLength.weightedLength(of: receipt.text) <= 280)
        }
        #expect(outcome.ledgerProblems(outputIsRecords: false).isEmpty)
    }
}
