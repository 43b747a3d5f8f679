import Foundation
import Glibc
import Logging
import WearTesting
@testable import WearCore

/// Test input for the sharded runner: telemetry-like records over a few
/// devices, with hostile lines mixed in.
enum ShardInput {
    /// Lines the record layer or the counter rejects, or that route oddly.
    static let hostileLines: [String] = [
        "not json",
        "[1,2,3]",
        #"{"dev":"wr-001","dev":"wr-002"}"#,
        #"{"seq":5}"#,
        #"{"dev":7}"#,
        #"{"dev":"wr-\u0030\u00303","seq":-1}"#,
        #"{"d\u0065v":"wr-004","seq":-2}"#,
        "{\"dev\":\"wr-00\u{1}\"}",
        #"{"dev":"wr-005""#,
        #"{"meta":{"dev":"x"},"dev":"wr-006","note":"}\"{"}"#,
    ]

    /// `records` records over `devices` devices (deterministic), a hostile
    /// line every 97 records, blank and CRLF lines, invalid UTF-8, and one
    /// line over 4 KiB (the runs use --max-line-bytes 4096).
    static func mixed(records: Int, devices: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        var state: UInt64 = 0x9E37_79B9
        for index in 0..<records {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let device = Int(state >> 33) % devices
            bytes += Array(#"{"dev":"wr-\#(String(format: "%03d", device))","seq":\#(index),"hr":\#(60 + index % 50)}"#.utf8)
            bytes += index % 50 == 7 ? [0x0D, 0x0A] : [0x0A]
            if index % 97 == 3 {
                bytes += Array(hostileLines[(index / 97) % hostileLines.count].utf8) + [0x0A]
            }
            if index % 211 == 5 { bytes += Array("  \n\n".utf8) }
        }
        // Every hostile line at least once, the same number of times in every run.
        for line in hostileLines where (records / 97) < hostileLines.count {
            bytes += Array(line.utf8) + [0x0A]
        }
        bytes += Array(#"{"dev":"wr-\#u{FF}"}"#.utf8).map { $0 == 0xC3 ? 0xFF : $0 } + [0x0A]
        bytes += Array(#"{"dev":"wr-big","pad":""#.utf8) + Array(repeating: UInt8(ascii: "x"), count: 5000) + Array(#""}"#.utf8)
        return bytes
    }

    /// Non-blank lines in `input` (records, as the ledger counts them).
    static func recordCount(_ input: [UInt8]) -> Int {
        input.split(separator: 0x0A).filter { line in line.contains { !($0 == 0x20 || $0 == 0x0D || $0 == 0x09) } }.count
    }

    /// Each key's lines in output order (the key read with a parser).
    static func linesByKey(_ lines: [String]) -> [String: [String]] {
        let parser = JSONParser(capacity: 1 << 16)
        var byKey: [String: [String]] = [:]
        for line in lines {
            guard case .success(let root) = parser.parse(copying: line), let key = root.member(named: "dev")?.string else { continue }
            byKey[key, default: []].append(line)
        }
        return byKey
    }
}

/// One run of the per-key counter, in process, through real files.
struct CounterRun {
    let status: WearCore.ExitStatus
    let output: [UInt8]
    let rejects: [String]
    let ledger: Ledger

    var lines: [String] { String(decoding: output, as: UTF8.self).split(separator: "\n").map(String.init) }

    static func synchronous(_ input: [UInt8]) throws -> CounterRun {
        try run(input) { options, logger in
            var runner = StageRunner(stage: PerKeyCounterStage(), options: options, logger: logger)
            return (runner.run(), runner.ledger)
        }
    }

    static func sharded(_ input: [UInt8], workers: Int, ordered: Bool, queueDepth: Int = 8, numa: NUMAMode = .off,
                        persisted: PersistedCounts? = nil,
                        inspect: (ShardedStage<PerKeyCounterStage>) -> Void = { _ in }) throws -> CounterRun {
        try run(input) { options, logger in
            var sharding = ShardingOptions(key: "dev", workers: workers)
            sharding.ordered = ordered
            sharding.queueDepth = queueDepth
            sharding.numa = numa
            sharding.maxLineBytes = options.maxLineBytes
            let stage = ShardedStage(options: sharding) { _ in PerKeyCounterStage(persisted: persisted) }
            var runner = try BatchStageRunner(stage: stage, options: options, logger: logger)
            let status = runner.run()
            inspect(runner.stage)
            return (status, runner.ledger)
        }
    }

    private static func run(_ input: [UInt8],
                            _ body: (RunnerOptions, Logger) throws -> (WearCore.ExitStatus, Ledger)) throws -> CounterRun {
        let scratch = try TemporaryDirectory()
        let inputURL = scratch.file("in.ndjson")
        try Data(input).write(to: inputURL)
        let outputPath = scratch.file("out.ndjson").path
        let fd = open(outputPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw TestSupportError("cannot create \(outputPath)") }
        var options = RunnerOptions()
        options.input = .path(inputURL.path)
        options.outputFD = fd
        options.rejectsPath = scratch.file("rejects.ndjson").path
        options.maxLineBytes = 4096
        let (logger, _) = InMemoryLogHandler.logger()
        let (status, ledger) = try body(options, logger)
        close(fd)
        let rejects = ((try? String(contentsOfFile: scratch.file("rejects.ndjson").path, encoding: .utf8)) ?? "")
            .split(separator: "\n").map(String.init)
        return CounterRun(status: status, output: Array(try Data(contentsOf: URL(fileURLWithPath: outputPath))),
                          rejects: rejects, ledger: ledger)
    }
}
