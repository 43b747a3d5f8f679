import Foundation
import Testing
import WearTesting

/// wear-score's --state as a process: a run split in two with a restart in
/// between scores like one run (with other worker counts, so another
/// routing, on each side); SIGTERM and --state-interval save; a bad file is
/// exit 78 before any record; --state-reset starts fresh; one byte per
/// write gives what one write gives.
@Suite struct ScoreStateProcessTests {
    static let input = ScoreProcessTests.input
    static let common = ["--warmup", "30", "--ordered"]

    static func score(_ arguments: [String], input: Data) throws -> ProcessResult {
        let result = try ProcessRun.run(try Binaries.url(of: "wear-score"), common + arguments, input: input)
        expectBalancedLedger("wear-score", stdout: result.stdout, stderr: result.stderrText, rejects: nil)
        return result
    }

    /// The fixture's first `count` lines and the rest.
    static func halves(at count: Int) throws -> (Data, Data) {
        let lines = try Data(contentsOf: input).split(separator: 0x0A).map { Data($0) + Data([0x0A]) }
        return (Data(lines[..<count].joined()), Data(lines[count...].joined()))
    }

    @Test(arguments: [(300, "1", "2"), (719, "2", "8"), (1200, "8", "1")])
    func aRunSplitInTwoScoresLikeOneRun(cut: Int, before: String, after: String) throws {
        let scratch = try TemporaryDirectory()
        let state = scratch.file("score.state").path
        let whole = try Self.score(["--workers", "1"], input: try Data(contentsOf: Self.input))
        #expect(whole.status == 0)
        let (first, second) = try Self.halves(at: cut)
        let a = try Self.score(["--workers", before, "--state", state], input: first)
        #expect(a.status == 0, "\(a.stderrText)")
        #expect(a.stderrText.contains("no state file at \(state) yet"), "\(a.stderrText)")
        let mode = try FileManager.default.attributesOfItem(atPath: state)[.posixPermissions] as? Int
        #expect(mode == 0o600, "the state file is private")
        let b = try Self.score(["--workers", after, "--state", state], input: second)
        #expect(b.status == 0, "\(b.stderrText)")
        #expect(b.stderrText.contains("restored 4 devices from \(state)"), "\(b.stderrText)")
        #expect(a.stdout + b.stdout == whole.stdout, "split at \(cut), \(before) then \(after) workers")
        #expect(whole.stdoutText.contains(#""score":1,"#), "the fixture's attacks score 1")
    }

    @Test func withoutStateTheSecondHalfStartsCold() throws {
        // The control for the test above: the restart matters.
        let (_, second) = try Self.halves(at: 719)
        let whole = try Self.score([], input: try Data(contentsOf: Self.input)).stdoutText
        let cold = try Self.score([], input: second).stdoutText
        #expect(cold.contains(#""score":null"#))
        #expect(!whole.hasSuffix(cold))
    }

    @Test func sigtermSavesTheStateAfterTheDrain() throws {
        let scratch = try TemporaryDirectory()
        let state = scratch.file("score.state").path
        let (first, second) = try Self.halves(at: 719)
        let live = try LiveStage("wear-score", Self.common + ["--workers", "2", "--state", state])
        live.write(first)
        #expect(live.waitForLines(719))
        live.signal(SIGTERM)
        #expect(live.waitForExit() == 0, "\(live.stderr)")
        #expect(FileManager.default.fileExists(atPath: state))
        let b = try Self.score(["--state", state], input: second)
        let whole = try Self.score([], input: try Data(contentsOf: Self.input))
        #expect(live.stdout + b.stdout == whole.stdout)
    }

    @Test func aClosedStdoutStillSavesTheState() throws {
        let scratch = try TemporaryDirectory()
        let state = scratch.file("score.state").path
        let binary = try Binaries.url(of: "wear-score").path
        // head takes one line and leaves: wear-score's next writes fail (EPIPE).
        let result = try ProcessRun.shell("'\(binary)' --workers 2 --state '\(state)' < '\(Self.input.path)' | head -n 1 > /dev/null; echo $?")
        #expect(result.status == 0, "\(result.stderrText)")
        #expect(FileManager.default.fileExists(atPath: state), "saved though the reader went away: \(result.stderrText)")
        let restored = try Self.score(["--state", state], input: Data())
        #expect(restored.status == 0)
        #expect(restored.stderrText.contains("restored"), "\(restored.stderrText)")
    }

    @Test func theIntervalSavesWhileTheInputStaysOpen() throws {
        let scratch = try TemporaryDirectory()
        let state = scratch.file("score.state").path
        let metrics = scratch.file("score.prom").path
        let live = try LiveStage("wear-score", Self.common + ["--state", state, "--state-interval", "1s",
                                                              "--metrics-file", metrics, "--metrics-interval", "100ms"])
        live.write(try Self.halves(at: 100).0)
        #expect(live.waitForLines(100))
        #expect(Polling.until(upTo: 30) { FileManager.default.fileExists(atPath: state) }, "saved within the interval")
        #expect(Polling.until(upTo: 30) {
            ((try? String(contentsOfFile: metrics, encoding: .utf8)) ?? "").contains(#"wear_score_state_saves_total{stage="wear-score"} 1"#)
        })
        #expect(live.finish() == 0, "\(live.stderr)")
        let text = try String(contentsOfFile: metrics, encoding: .utf8)
        #expect(text.contains(#"wear_score_state_saves_total{stage="wear-score"} 2"#), "one at the interval, one at exit: \(text)")
        #expect(text.contains(#"wear_score_state_save_failures_total{stage="wear-score"} 0"#))
        // The age of the state on disk, for the WearScoreStateNotSaved alert (pipelines/monitoring).
        #expect(text.contains(#"wear_score_state_interval_seconds{stage="wear-score"} 1"#), "\(text)")
        let saved = text.split(separator: "\n").first { $0.hasPrefix("wear_score_state_last_save_time_seconds{") }
        let savedAt = saved.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) }
        let now = Date().timeIntervalSince1970
        #expect(savedAt.map { $0 > now - 120 && $0 <= now + 1 } == true, "last save time \(saved.map(String.init) ?? "missing") vs now \(now)")
    }

    @Test func beforeTheFirstSaveTheLastSaveTimeIsZero() throws {
        let scratch = try TemporaryDirectory()
        let metrics = scratch.file("score.prom").path
        let live = try LiveStage("wear-score", Self.common + ["--state", scratch.file("score.state").path, "--state-interval", "1h",
                                                              "--metrics-file", metrics, "--metrics-interval", "100ms"])
        #expect(Polling.until(upTo: 30) {
            ((try? String(contentsOfFile: metrics, encoding: .utf8)) ?? "").contains(#"wear_score_state_last_save_time_seconds{stage="wear-score"} 0"#)
        }, "the gauge says 0 until the first save")
        #expect(((try? String(contentsOfFile: metrics, encoding: .utf8)) ?? "").contains(#"wear_score_state_interval_seconds{stage="wear-score"} 3600"#))
        #expect(live.finish() == 0, "\(live.stderr)")
    }

    @Test func aBadStateFileIsExit78BeforeAnyRecord() throws {
        let scratch = try TemporaryDirectory()
        let state = scratch.file("score.state").path
        let (first, second) = try Self.halves(at: 300)
        #expect(try Self.score(["--state", state], input: first).status == 0)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: state))
        let good = bytes
        let cases: [(String, (inout Data) -> Void)] = [
            ("corrupt (checksum mismatch)", { $0[$0.count / 2] ^= 0x40 }),
            ("corrupt (checksum mismatch)", { $0 = $0.prefix($0.count - 100) }),
            ("not a wear state file", { $0 = Data("{\"dev\":\"a\"}\n".utf8) }),
            ("not a wear state file", { $0 = Data() }),
        ]
        for (message, damage) in cases {
            bytes = good
            damage(&bytes)
            try bytes.write(to: URL(fileURLWithPath: state))
            let result = try ProcessRun.run(try Binaries.url(of: "wear-score"), Self.common + ["--state", state], input: second)
            #expect(result.status == 78, "\(message): \(result.stderrText)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderrText.contains("state file \(state) is \(message)"), "\(result.stderrText)")
            #expect(result.stderrText.contains("--state-reset"), "says the way out")
        }
        try good.write(to: URL(fileURLWithPath: state))
        let other = try ProcessRun.run(try Binaries.url(of: "wear-score"), Self.common + ["--state", state, "--feature", "hr"],
                                       input: second)
        #expect(other.status == 78)
        #expect(other.stderrText.contains("written for another configuration"), "\(other.stderrText)")
        #expect(other.stderrText.contains("this run: key=dev features=hr"), "\(other.stderrText)")
        let reset = try Self.score(["--state", state, "--feature", "hr", "--state-reset"], input: second)
        #expect(reset.status == 0, "\(reset.stderrText)")
        #expect(reset.stdoutText.contains(#""score":null"#), "fresh: warming up again")
        let again = try Self.score(["--state", state, "--feature", "hr"], input: Data())
        #expect(again.status == 0, "the reset run saved a file for its own features: \(again.stderrText)")
    }

    @Test func anUnwritableStateDirectoryIsExit74AtStart() throws {
        for path in ["/nonexistent-wear-dir/score.state", NSTemporaryDirectory()] {
            let result = try ProcessRun.run(try Binaries.url(of: "wear-score"), ["--state", path], input: Data("{}\n".utf8))
            #expect(result.status == 74, "\(path): \(result.stderrText)")
            #expect(result.stderrText.contains("cannot write \(path)"), "\(result.stderrText)")
        }
        let usage = try ProcessRun.run(try Binaries.url(of: "wear-score"), ["--state-reset"], input: Data())
        #expect(usage.status == 64, "\(usage.stderrText)")
    }

    @Test func oneBytePerWriteGivesWhatOneWriteGives() throws {
        let data = try Data(contentsOf: Self.input).prefix(40_000)
        let bytewise = try LiveStage("wear-score", Self.common + ["--workers", "2"])
        bytewise.writeBytewise(data)
        #expect(bytewise.finish() == 0)
        let whole = try Self.score(["--workers", "2"], input: data)
        #expect(bytewise.stdout == whole.stdout)
        #expect(!whole.stdout.isEmpty)
        expectBalancedLedger("wear-score", stdout: bytewise.stdout, stderr: bytewise.stderr, rejects: nil)
    }
}
