import Foundation
import Glibc
import WearCore
import WearTesting
import WearTestingHTTP

/// The four stages running live for the monitoring tests: `wear sim
/// --realtime` (sealed, every attack type) | wear-decrypt | wear-filter
/// (the default rules) | wear-score (--state) | wear-alert (--sink x
/// against the fake X API), each writing `wear-<stage>.prom` into
/// `textfiles` every 200 ms, wear-alert's receipts in `receipts`.
/// `stop()` (or deinit) ends the whole pipe and the fake X.
final class MonitoringPipeline: @unchecked Sendable {
    static let stages = ["wear-decrypt", "wear-filter", "wear-score", "wear-alert"]
    /// Credentials the fake X sees; they must never show up anywhere else.
    static let secrets = ["X_API_KEY": "monitoring-consumer-key-P4", "X_API_SECRET": "monitoring-consumer-secret-J8qT",
                          "X_ACCESS_TOKEN": "monitoring-access-token-H6", "X_ACCESS_TOKEN_SECRET": "monitoring-token-secret-B2xN",
                          "X_BEARER_TOKEN": ""]

    let scratch: TemporaryDirectory
    let textfiles: URL
    let receipts: URL
    let server: FakeXServer
    private let group: ProcessGroup
    private let stopped = NSLock()
    private var isStopped = false

    /// `devices` devices, one record each per `interval`, for `duration` of
    /// event time, paced in real time unless `realtime` is false (then the
    /// pipe runs as fast as it can and ends: see `waitForExit`).
    init(devices: Int = 20, interval: String = "100ms", duration: String = "3m", realtime: Bool = true) throws {
        let scratch = try TemporaryDirectory(), textfiles = scratch.file("textfiles"), server = try FakeXServer()
        self.scratch = scratch
        self.textfiles = textfiles
        self.server = server
        receipts = scratch.file("receipts.ndjson")
        try FileManager.default.createDirectory(at: textfiles, withIntermediateDirectories: true)
        let bin = Binaries.directory.path
        let rules = Monitoring.repository.appendingPathComponent("pipelines/rules/default.rules").path
        for key in ["master.key", "pseudonym.key"] {
            let made = try ProcessRun.run(try Binaries.url(of: "wear"), ["keys", "new", "--out", scratch.file(key).path])
            guard made.status == 0 else { throw TestSupportError("wear keys new: \(made.stderrText)") }
        }
        let folder = textfiles.path, api = server.baseURL
        func metrics(_ stage: String) -> String { "--metrics-file '\(folder)/\(stage).prom' --metrics-interval 200ms" }
        let script = """
            set -e
            '\(bin)/wear' sim \(realtime ? "--realtime" : "") --start now --devices \(devices) --interval \(interval) --duration \(duration) \
                --seed 7 --attacks all:0.5 --master-key master.key --labels labels.ndjson \
              | '\(bin)/wear-decrypt' --master-key master.key --rejects decrypt.rejects \(metrics("wear-decrypt")) \
              | '\(bin)/wear-filter' --rules '\(rules)' --rejects filter.rejects \(metrics("wear-filter")) \
              | '\(bin)/wear-score' --warmup 20 --state score.state --state-interval 1s --rejects score.rejects \(metrics("wear-score")) \
              | '\(bin)/wear-alert' --pseudonym-key pseudonym.key --threshold 0.999 --sink x --outbox outbox \
                  --x-api-base '\(api)' --rejects alert.rejects \(metrics("wear-alert")) \
              > receipts.ndjson
            """
        group = try ProcessGroup(shell: "pipeline", script, directory: scratch.url, environment: Self.secrets)
    }

    /// The text of one stage's metrics file ("" before its first write).
    func metrics(of stage: String) -> String {
        (try? String(contentsOf: textfiles.appendingPathComponent("\(stage).prom"), encoding: .utf8)) ?? ""
    }

    /// Waits (bounded) until every stage's file counts at least `records` in.
    func waitForRecords(_ records: Int, upTo limit: TimeInterval = 60) throws {
        let ok = Polling.until(upTo: limit) {
            Self.stages.allSatisfy { stage in
                MetricsText.parse(metrics(of: stage)).samples.contains { $0.name == "wear_records_in_total" && $0.value >= Double(records) }
            }
        }
        guard ok else {
            throw TestSupportError("the pipeline did not count \(records) records in every stage within \(limit) s; stderr:\n\(group.stderr)")
        }
    }

    var isRunning: Bool { group.isRunning }

    /// Waits (bounded) for the pipe to end by itself.
    func waitForExit(upTo limit: TimeInterval = 120) throws {
        guard Polling.until(upTo: limit, { !group.isRunning }) else {
            throw TestSupportError("the pipeline did not end within \(limit) s; stderr:\n\(group.stderr)")
        }
    }
    var stderr: String { group.stderr }

    func stop() {
        let first = stopped.withLock { () -> Bool in
            defer { isStopped = true }
            return !isStopped
        }
        guard first else { return }
        group.stop()
        server.shutdown()
    }

    deinit { stop() }
}
