import Foundation
import Glibc
import Testing
import WearTesting

/// The sharded runner as a process (wear-shard-bench, the per-key counter):
/// SIGTERM while the workers still hold records drains every one of them,
/// in order per key, and exits 0 with a balanced ledger; end of input too.
@Suite struct ShardedDrainTests {
    static func records(_ count: Int, devices: Int = 23) -> String {
        (0..<count).map { #"{"dev":"wr-\#($0 % devices)","seq":\#($0)}"# }.joined(separator: "\n") + "\n"
    }

    /// Each device's `n` values in output order must be 1, 2, 3...
    static func expectCountsInOrder(_ lines: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        var last: [Substring: Int] = [:]
        var broken = 0
        for line in lines {
            guard let devStart = line.range(of: #""dev":""#)?.upperBound,
                  let devEnd = line[devStart...].firstIndex(of: "\""),
                  let nStart = line.range(of: #","n":"#)?.upperBound,
                  let n = Int(line[nStart...].dropLast()) else { broken += 1; continue }
            let device = line[devStart..<devEnd]
            if n != last[device, default: 0] + 1 { broken += 1 }
            last[device] = n
        }
        #expect(broken == 0, "\(broken) lines out of per-device order", sourceLocation: sourceLocation)
    }

    @Test(arguments: [["sharded", "2"], ["sharded", "8", "--ordered"]])
    func terminationWhileWorkersHoldRecordsDrainsThemAll(arguments: [String]) throws {
        let stage = try LiveStage("wear-shard-bench", arguments)
        let count = 40_000
        stage.write(Self.records(count))
        // Everything read (FIONREAD 0): many records are still queued in the
        // workers when the signal arrives; every one must still come out.
        try #require(Polling.until { stage.unreadInputBytes == 0 })
        stage.signal(SIGTERM)
        #expect(stage.waitForExit() == 0, "stderr:\n\(stage.stderr)")
        let summary = expectBalancedLedger("wear-count", stdout: stage.stdout, stderr: stage.stderr, rejects: nil)
        #expect(summary?.recordsIn == count)
        #expect(summary?.recordsOut == count)
        #expect(stage.stdoutLines.count == count)
        Self.expectCountsInOrder(stage.stdoutLines)
        if arguments.contains("--ordered") {
            let inOrder = stage.stdoutLines.enumerated().allSatisfy { index, line in line.contains(#","seq":\#(index),"#) }
            #expect(inOrder, "--ordered keeps input order")
        }
    }

    @Test func endOfInputDrainsAndReportsRejectsFromWorkers() throws {
        let stage = try LiveStage("wear-shard-bench", ["sharded", "3"])
        stage.write(Self.records(5000) + "not json\n{\"seq\":1}\n[1]\n")
        stage.closeInput()
        #expect(stage.waitForExit() == 0, "stderr:\n\(stage.stderr)")
        let summary = expectBalancedLedger("wear-count", stdout: stage.stdout, stderr: stage.stderr, rejects: nil)
        #expect(summary?.byReason == ["bad_json": 1, "missing_key": 1, "not_object": 1])
        #expect(stage.stdoutLines.count == 5000)
        Self.expectCountsInOrder(stage.stdoutLines)
    }

    @Test func refusesAWorkerCountItCannotRun() throws {
        let stage = try LiveStage("wear-shard-bench", ["sharded", "0"])
        #expect(stage.waitForExit() == 64)
        #expect(stage.stderr.hasPrefix("wear-shard-bench: error: sharded needs a worker count from 1 to 256"))
    }
}
