import Foundation
import Glibc
import Testing
import WearCore
import WearTesting

/// pipelines/wear-pipeline.sh, the reference composition, run for real on
/// sealed envelopes from `wear sim`: every stage's ledger and every pipe
/// balance (checked here from the metrics files, apart from the script's own
/// report), and stopping it (Ctrl-C to its process group, or SIGTERM to the
/// script) loses nothing.
@Suite struct PipelineScriptTests {
    static let script = GoldenFixtures.root.deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("pipelines/wear-pipeline.sh")
    static let stages = ["wear-decrypt", "wear-filter", "wear-score", "wear-alert"]

    /// Keys and sealed envelopes of a small fleet with every attack type.
    struct Fleet {
        let folder: TemporaryDirectory
        let envelopes: Data
        var lines: [Substring] { String(decoding: envelopes, as: UTF8.self).split(separator: "\n") }

        init(devices: Int = 24, duration: String = "3m") throws {
            folder = try TemporaryDirectory()
            let wear = try Binaries.url(of: "wear")
            for key in ["master.key", "pseudonym.key"] {
                let made = try ProcessRun.run(wear, ["keys", "new", "--out", folder.file(key).path])
                try #require(made.status == 0, "wear keys new: \(made.stderrText)")
            }
            let sim = try ProcessRun.run(wear, ["sim", "--devices", "\(devices)", "--duration", duration, "--seed", "5",
                                                "--attacks", "all", "--master-key", folder.file("master.key").path])
            try #require(sim.status == 0, "wear sim: \(sim.stderrText)")
            envelopes = sim.stdout
        }

        /// The script's arguments: binaries, keys, and everything under `state`.
        func arguments(metricsInterval: String = "10s") -> [String] {
            ["--bin", Binaries.directory.path, "--master-key", folder.file("master.key").path,
             "--pseudonym-key", folder.file("pseudonym.key").path, "--state-dir", folder.file("state").path,
             "--metrics-interval", metricsInterval, "--report", folder.file("report.txt").path]
        }

        /// The text of `stage`'s metrics file ("" before its first write).
        func metricsText(_ stage: String) -> String {
            (try? String(contentsOf: folder.file("state/metrics/\(stage).prom"), encoding: .utf8)) ?? ""
        }

        func metrics(_ stage: String) -> [String: Double] { MetricsText.values(metricsText(stage)) }
    }

    /// A textfile's samples, by series (`MetricSample.series`: labels sorted by name).
    static func samples(_ file: URL) -> [String: Double] {
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return [:] }
        return MetricsText.values(text)
    }

    /// Each stage balances, each stage read what the one before it wrote, and
    /// the rejects files hold one line per reject. Returns records in per stage.
    @discardableResult
    static func expectNothingLost(_ fleet: Fleet, sourceLocation: SourceLocation = #_sourceLocation) -> [Int] {
        var ins: [Int] = []
        var previousOut: Int?
        for stage in stages {
            guard let ledger = LedgerSummary.parse(metrics: fleet.metricsText(stage), stage: stage) else {
                Issue.record("\(stage): no ledger in its metrics file", sourceLocation: sourceLocation)
                return ins
            }
            #expect(ledger.balances, "\(stage): \(ledger)", sourceLocation: sourceLocation)
            let rejects = (try? Data(contentsOf: fleet.folder.file("state/rejects/\(stage).rejects"))) ?? Data()
            #expect(lineCount(rejects) == ledger.rejected, "\(stage): rejects file lines", sourceLocation: sourceLocation)
            if let previousOut {
                #expect(ledger.recordsIn == previousOut, "\(stage) read \(ledger.recordsIn) of the \(previousOut) records written to it",
                        sourceLocation: sourceLocation)
            }
            previousOut = ledger.recordsOut
            ins.append(ledger.recordsIn)
        }
        return ins
    }

    @Test func theFourStagesRunThroughTheScriptAndEveryRecordIsAccountedFor() throws {
        let fleet = try Fleet()
        let run = try ProcessRun.run(Self.script, fleet.arguments(), input: fleet.envelopes)
        #expect(run.status == 0, "wear-pipeline.sh: \(run.stderrText)")
        let ins = Self.expectNothingLost(fleet)
        #expect(ins.first == fleet.lines.count, "wear-decrypt read every envelope")
        // Attacks all includes forged and bit-flipped envelopes: decrypt rejects some, and the alert stage posts.
        #expect(fleet.metrics("wear-decrypt").keys.contains { $0.contains("auth_failed") || $0.contains("unknown_kid") })
        #expect(!run.stdout.isEmpty, "receipts on stdout")
        for line in String(decoding: run.stdout, as: UTF8.self).split(separator: "\n") {
            #expect(line.hasPrefix(#"{"incident":"#), "a receipt: \(line.prefix(80))")
        }
        for state in ["score.state", "alert.state"] {
            #expect(FileManager.default.fileExists(atPath: fleet.folder.file("state/\(state)").path), "\(state) saved")
        }
        let report = try String(contentsOf: fleet.folder.file("report.txt"), encoding: .utf8)
        #expect(report.contains("accounting: every stage balances"), "report:\n\(report)")
        for stage in Self.stages { #expect(report.contains(stage), "report names \(stage)") }
    }

    /// --rejects-dir, --metrics-dir, --tap-dir, --input and --output: the
    /// taps hold exactly what wear-filter and wear-score wrote.
    @Test func filesGoWhereTheOptionsSay() throws {
        let fleet = try Fleet()
        let folder = fleet.folder
        try fleet.envelopes.write(to: folder.file("envelopes.ndjson"))
        let run = try ProcessRun.run(Self.script, fleet.arguments() + [
            "--input", folder.file("envelopes.ndjson").path, "--output", folder.file("receipts.ndjson").path,
            "--rejects-dir", folder.file("rejects").path, "--metrics-dir", folder.file("metrics").path,
            "--tap-dir", folder.file("taps").path, "--score-arg=--workers=2", "--alert-arg", "--quiet=5m"])
        #expect(run.status == 0, "wear-pipeline.sh: \(run.stderrText)")
        #expect(run.stdout.isEmpty, "receipts went to --output")
        #expect(lineCount(try Data(contentsOf: folder.file("receipts.ndjson"))) > 0)
        for (tap, stage) in [("filtered", "wear-filter"), ("scored", "wear-score")] {
            let metrics = Self.samples(folder.file("metrics/\(stage).prom"))
            let written = Int(metrics[#"wear_records_out_total{stage="\#(stage)"}"#] ?? -1)
            #expect(lineCount(try Data(contentsOf: folder.file("taps/\(tap).ndjson"))) == written, "\(tap) tap")
        }
        for stage in Self.stages {
            #expect(FileManager.default.fileExists(atPath: folder.file("rejects/\(stage).rejects").path), "\(stage): rejects in --rejects-dir")
        }
    }

    /// Writes the first `count` envelopes, then waits until records have
    /// reached wear-alert (so every pipe has carried some), or fails.
    private func feedUntilFlowing(_ pipeline: LiveStage, _ fleet: Fleet, count: Int) throws {
        pipeline.write(fleet.lines.prefix(count).joined(separator: "\n") + "\n")
        let flowing = Polling.until(upTo: 60) {
            (fleet.metrics("wear-alert")[#"wear_records_in_total{stage="wear-alert"}"#] ?? 0) > 0
        }
        try #require(flowing, "no record reached wear-alert: \(pipeline.stderr)")
    }

    /// Ctrl-C at a terminal signals the whole foreground process group: only
    /// the script is in it, so the stages drain in order instead of all
    /// stopping at once with records in the pipes between them.
    @Test(arguments: [("SIGINT to the process group", true), ("SIGTERM to the script", false)])
    func stoppingThePipelineLosesNothing(_ how: String, _ toGroup: Bool) throws {
        let fleet = try Fleet(devices: 40, duration: "4m")
        let pipeline = try LiveStage(executable: Self.script, fleet.arguments(metricsInterval: "100ms"),
                                     newProcessGroup: true)
        defer { Self.killLeftovers(mentioning: fleet.folder.url.path) }
        try feedUntilFlowing(pipeline, fleet, count: fleet.lines.count / 2)
        if toGroup { pipeline.signalGroup(SIGINT) } else { pipeline.signal(SIGTERM) }
        // stdin stays open: the stop, not end of input, ends the run.
        let status = pipeline.waitForExit(upTo: 60)
        #expect(status == 0, "\(how): exit status \(String(describing: status)): \(pipeline.stderr)")
        #expect(pipeline.stderr.contains("stopping: SIGTERM to wear-decrypt"))
        let ins = Self.expectNothingLost(fleet)
        #expect((ins.first ?? 0) > 0 && (ins.first ?? 0) <= fleet.lines.count / 2)
        pipeline.closeInput()
    }

    @Test func sighupReachesEveryStageAndTheRunGoesOn() throws {
        let fleet = try Fleet()
        let pipeline = try LiveStage(executable: Self.script, fleet.arguments(metricsInterval: "100ms"),
                                     newProcessGroup: true)
        defer { Self.killLeftovers(mentioning: fleet.folder.url.path) }
        try feedUntilFlowing(pipeline, fleet, count: 200)
        pipeline.signal(SIGHUP)
        let reloaded = Polling.until(upTo: 30) {
            (fleet.metrics("wear-filter")[#"wear_filter_reloads_total{result="ok",stage="wear-filter"}"#] ?? 0) >= 1
        }
        #expect(reloaded, "wear-filter did not reload: \(fleet.metrics("wear-filter").filter { $0.key.contains("reload") })")
        pipeline.write(fleet.lines.dropFirst(200).joined(separator: "\n") + "\n")
        #expect(pipeline.finish() == 0, "\(pipeline.stderr)")
        #expect(Self.expectNothingLost(fleet).first == fleet.lines.count)
    }

    @Test(arguments: [
        (["--master-key", "k"], 64, "--pseudonym-key FILE is required"),
        (["--pseudonym-key", "p"], 64, "--master-key FILE or --keys FILE is required"),
        (["--frobnicate"], 64, "unknown option '--frobnicate'"),
        (["--master-key"], 64, "--master-key needs a value"),
        (["--master-key", "k", "--pseudonym-key", "p", "--bin", "/nonexistent"], 66, "wear-decrypt not found in /nonexistent"),
    ])
    func usageErrorsSayWhatIsWrong(_ arguments: [String], _ status: Int32, _ message: String) throws {
        let run = try ProcessRun.run(Self.script, arguments)
        #expect(run.status == status)
        #expect(run.stderrText.contains(message), "stderr: \(run.stderrText)")
        #expect(run.stdout.isEmpty)
    }

    @Test func helpListsTheOptionsAndExamples() throws {
        let run = try ProcessRun.run(Self.script, ["--help"])
        #expect(run.status == 0)
        for text in ["--master-key", "--state-dir", "--tap-dir", "Examples:"] { #expect(run.stdoutText.contains(text)) }
    }

    /// Stages run in sessions of their own: if a test failed before the
    /// pipeline ended, kill whatever still runs with our folder in its command line.
    static func killLeftovers(mentioning path: String) {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return }
        for entry in entries {
            guard let pid = pid_t(entry), pid != getpid(),
                  let cmdline = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(entry)/cmdline")) else { continue }
            if String(decoding: cmdline, as: UTF8.self).contains(path) { kill(pid, SIGKILL) }
        }
    }
}
