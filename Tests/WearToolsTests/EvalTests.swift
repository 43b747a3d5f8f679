import Foundation
import Testing
import WearTesting
import WearTools

/// `wear eval` on Tests/Fixtures/wear/eval-small, a hand-made sealed run.
///
/// Labels (R = 1763700000000, event time = rx):
///   1 hr_spike  wr-000001 lines 10,12 rx R+10050,R+11050
///   2 bad_key   wr-000002 line 15     rx R+12000
///   3 flood     wr-000003 lines 20-22 rx R+20000,R+20010,R+20020 (all seq 300)
///   4 replay    wr-000004 line 30     rx R+30000 (seq 400, ts of the original)
///   5 oversize  wr-000005 line 40     rx R+40000
/// What the pipeline did, and so the answer:
///   - decrypt rejected the bad_key envelope (matched by kid + rx): bad_key caught at decrypt, delay 0;
///     and one garbage line naming no device (unidentified).
///   - filter dropped the oversize record (input cut short, no rx: matched by dev+seq+ts), flood copies
///     2 and 3 (rule:flood; first at R+20010), and one clean record of wr-000009 (rule:hr_range).
///   - scored stream: hr_spike line 12 scored 0.95 (>= 0.8; line 10 only 0.5): score catch 1000 ms after
///     the start; flood copy 1 tagged "replay" (delay 0); the replay tagged (delay 0). Clean records:
///     the replay's original (same dev/seq/ts, its own rx), wr-000009 901 (0.1) and 902 (tag gap, 0.85),
///     wr-000010 (no score yet), wr-000001 seq 99 (0.2).
///   - receipts: one names wr-000001 at R+11500 (hr_spike caught by alert, 1450 ms), one names clean
///     wr-000009 (false alert), one digest, one naming nobody eval knows.
/// Per attack, delay is the earliest catch: hr_spike min(1000, 1450) = 1000; others 0; median over
/// the five caught instances [0, 0, 0, 0, 1000] = 0.
/// Records caught: hr_spike 1 of 2 (the alert names no record), flood 3 of 3, others 1 of 1: 7 of 8.
/// Clean false positives: filter drop 1 of (1 dropped + 5 clean in the scored stream); tag 1 of 5;
/// score 1 of the 3 clean records with a numeric score; alerts: 1 of 2 clean devices seen
/// (wr-000009, wr-000010; wr-000001 and wr-000004 are attacked).
@Suite("wear eval")
struct EvalTests {
    private func report(threshold: Double = 0.8) throws -> EvalReport {
        let folder = SimSupport.fixture("eval-small")
        var runner = EvalRunner(labelsPath: folder.appendingPathComponent("labels.ndjson").path)
        runner.rejects = ["decrypt.rejects", "filter.rejects"].map { folder.appendingPathComponent($0).path }
        runner.scored = [folder.appendingPathComponent("scored.ndjson").path]
        runner.receipts = [folder.appendingPathComponent("receipts.ndjson").path]
        runner.threshold = threshold
        return try runner.run()
    }

    private func row(_ report: EvalReport, _ attack: String) throws -> EvalReport.Row {
        try #require(report.rows.first { $0.attack == attack })
    }

    @Test("per-attack catches, recall and delay match the hand-worked answer")
    func perAttack() throws {
        let report = try report()
        #expect(report.rows.map(\.attack) == ["hr_spike", "replay", "flood", "oversize", "bad_key"])
        // columns: decrypt, filter drop, filter tag, score, alert
        let expected: [String: (injected: Int, records: Int, caught: [Int?], recordsCaught: Int, delay: Int64)] = [
            "hr_spike": (1, 2, [0, 0, 0, 1, 1], 1, 1000),
            "bad_key": (1, 1, [1, 0, 0, 0, 0], 1, 0),
            "flood": (1, 3, [0, 1, 1, 0, 0], 3, 0),
            "replay": (1, 1, [0, 0, 1, 0, 0], 1, 0),
            "oversize": (1, 1, [0, 1, 0, 0, 0], 1, 0),
        ]
        for (attack, want) in expected {
            let got = try row(report, attack)
            #expect(got.injected == want.injected, "\(attack)")
            #expect(got.records == want.records, "\(attack)")
            #expect(got.caught == want.caught, "\(attack)")
            #expect(got.caughtAnywhere == 1, "\(attack)")
            #expect(got.recall == 1, "\(attack)")
            #expect(got.recordsCaught == want.recordsCaught, "\(attack)")
            #expect(got.medianDelayMs == want.delay, "\(attack)")
        }
        #expect(try row(report, "hr_spike").stageDelayMs == [nil, nil, nil, 1000, 1450])
        #expect(try row(report, "flood").stageDelayMs == [nil, 10, 0, nil, nil])
        #expect(report.total.injected == 5)
        #expect(report.total.records == 8)
        #expect(report.total.caught == [1, 2, 2, 1, 1])
        #expect(report.total.recordsCaught == 7)
        #expect(report.total.medianDelayMs == 0)
    }

    @Test("false-positive rates on clean records match the hand-worked answer")
    func falsePositives() throws {
        let report = try report()
        func rate(_ key: String) throws -> EvalReport.Rate {
            try #require(report.falsePositives.first { $0.key == key })
        }
        #expect(try rate("decrypt").count == 0 && rate("decrypt").total == nil)
        #expect(try rate("filter_drop").count == 1 && rate("filter_drop").total == 6)
        #expect(try rate("filter_tag").count == 1 && rate("filter_tag").total == 5)
        #expect(try rate("score").count == 1 && rate("score").total == 3)
        #expect(try rate("alert").count == 1 && rate("alert").total == 2)
        #expect(report.cleanDropReasons.map(\.0) == ["rule:hr_range"])
        #expect(report.cleanFlags.map(\.0) == ["gap"])
        #expect(report.unidentified == 1)
        #expect(report.receipts == 4)
        #expect(report.digests == 1)
        #expect(report.unattributedReceipts == 1)
    }

    @Test("an incident folded into a digest counts as alerted; the digest post and a queued incident do not")
    func digestReceipts() throws {
        let folder = SimSupport.fixture("eval-small")
        let scratch = try TemporaryDirectory()
        let receipts = scratch.file("receipts.ndjson")
        try Data("""
            {"incident":"digest-1-1763700060000","status":"dry_run","post_id":"","text":"2 more incidents in the last hour: 1 physiology, 1 tamper #ShitOpsCyberWatch","digest":"digest-1-1763700060000"}
            {"incident":"P1-physiology-1763700011500","status":"digest","post_id":"","text":"2 more incidents in the last hour: 1 physiology, 1 tamper #ShitOpsCyberWatch","dev":"wr-000001","opened":1763700011500,"category":"physiology","digest":"digest-1-1763700060000"}
            {"incident":"P2-tamper-1763700040000","status":"queued","post_id":"","text":"","dev":"wr-000005","opened":1763700040000,"category":"tamper"}

            """.utf8).write(to: receipts)
        var runner = EvalRunner(labelsPath: folder.appendingPathComponent("labels.ndjson").path)
        runner.rejects = ["decrypt.rejects", "filter.rejects"].map { folder.appendingPathComponent($0).path }
        runner.scored = [folder.appendingPathComponent("scored.ndjson").path]
        runner.receipts = [receipts.path]
        runner.threshold = 0.8
        let report = try runner.run()
        #expect(try row(report, "hr_spike").caught[CatchStage.alert.rawValue] == 1, "the digest receipt names wr-000001")
        #expect(try row(report, "oversize").caught[CatchStage.alert.rawValue] == 0, "queued: not public yet")
        #expect(report.receipts == 3)
        #expect(report.digests == 1)
        #expect(report.queued == 1)
        #expect(report.unattributedReceipts == 0)
        #expect(report.table().contains("receipts: 3 (1 digests, 1 queued, 0 naming no known device)"))
    }

    @Test("a higher threshold drops the score catch and the clean high score")
    func threshold() throws {
        let report = try report(threshold: 0.99)
        #expect(try row(report, "hr_spike").caught[CatchStage.score.rawValue] == 0)
        #expect(report.falsePositives.first { $0.key == "score" }?.count == 0)
    }

    @Test("the table and the JSON carry the same numbers")
    func renderings() throws {
        let report = try report()
        let table = report.table()
        #expect(table.contains("hr_spike               1        2       0       0       0       1       1      1  100.0%      50.0%     1.0s"))
        #expect(table.contains("filter tag       1 of 5  20.0%"))
        let json = try JSONSerialization.jsonObject(with: Data(report.document().dumped().utf8)) as? [String: Any]
        let total = json?["total"] as? [String: Any]
        #expect(JSONRead.int(total?["records_caught"]) == 7)
        #expect(JSONRead.double(total?["recall"]) == 1)
    }

    @Test("an empty file named as the filter's rejects counts as no drops, not as not given")
    func emptyFilterRejects() throws {
        let folder = SimSupport.fixture("eval-small")
        let directory = try TemporaryDirectory()
        let empty = directory.file("filter.rejects")
        try Data().write(to: empty)
        var runner = EvalRunner(labelsPath: folder.appendingPathComponent("labels.ndjson").path)
        runner.decryptRejects = [folder.appendingPathComponent("decrypt.rejects").path]
        runner.filterRejects = [empty.path]
        let report = try runner.run()
        #expect(report.total.caught == [1, 0, nil, nil, nil])
    }

    @Test("only decrypt rejects: decrypt catches, other stages not given")
    func decryptOnly() throws {
        let folder = SimSupport.fixture("eval-small")
        var runner = EvalRunner(labelsPath: folder.appendingPathComponent("labels.ndjson").path)
        runner.rejects = [folder.appendingPathComponent("decrypt.rejects").path]
        let report = try runner.run()
        #expect(report.total.caught == [1, nil, nil, nil, nil])
        #expect(try row(report, "bad_key").recall == 1)
        #expect(try row(report, "flood").recall == 0)
    }
}
