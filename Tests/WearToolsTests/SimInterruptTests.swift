import Foundation
import Glibc
import Testing
import WearTesting

/// Ctrl-C (SIGINT) or SIGTERM on `wear sim`: the output ends with a whole
/// line, the labels file covers exactly what was written, and the status is
/// 0 — a real process, a real signal.
@Suite struct SimInterruptTests {
    static let arguments = ["sim", "--plain", "--devices", "100", "--duration", "20s", "--interval", "100ms",
                            "--seed", "5", "--attacks", "all:0.5"]

    @Test(arguments: [SIGINT, SIGTERM])
    func aSignalStopsAtARecordBoundaryAndWritesTheLabelsOfWhatWasEmitted(_ signal: Int32) throws {
        let scratch = try TemporaryDirectory()
        let labels = scratch.file("labels.ndjson")
        // --realtime: a 20 s run, stopped after about 5 s of it.
        let sim = try LiveStage("wear", Self.arguments + ["--realtime", "--labels", labels.path])
        try #require(sim.waitForLines(5000))
        sim.signal(signal)
        #expect(sim.finish() == 0, "stderr:\n\(sim.stderr)")
        let output = sim.stdout
        #expect(output.last == UInt8(ascii: "\n"), "the last line was cut")
        let emitted = output.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        #expect(sim.stderr.contains("wear sim: notice: \(signal == SIGINT ? "SIGINT" : "SIGTERM"): stopped after \(emitted) whole lines, their labels in \(labels.path)"),
                "\(sim.stderr)")

        // The same run uninterrupted: the stopped output is its prefix, and
        // the labels are its labels cut to the lines that were written.
        let full = try ProcessRun.run(try Binaries.url(of: "wear"), Self.arguments + ["--labels", scratch.file("full.ndjson").path])
        #expect(full.status == 0)
        #expect(emitted < full.stdoutLines.count)
        #expect(full.stdout.prefix(output.count) == output)
        let expected = try Self.lineLists(scratch.file("full.ndjson")).map { $0.filter { $0 <= emitted } }.filter { !$0.isEmpty }
        let written = try Self.lineLists(labels)
        #expect(written == expected)
        #expect(!written.isEmpty, "no attack reached the output in time; the check proved nothing")
    }

    /// Each label's `lines`, in file order.
    static func lineLists(_ url: URL) throws -> [[Int]] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return (object?["lines"] as? [Int]) ?? []
        }
    }
}
