import Foundation
import Testing
import WearTesting

/// The record reader and the flush policy, through a real pipe into a
/// running wear-filter: input chunking never changes the result, a record
/// never waits for more input, and a huge line is skipped without buffering it.
@Suite struct LiveInputTests {
    /// Records with CRLF, blank lines, a line over `--max-line-bytes 1KiB` (below 4 KiB: the kept prefix must not depend on chunking),
    /// bad lines (JSON, UTF-8, NUL) and a last line without a newline.
    static var awkwardInput: Data {
        var data = Data()
        for index in 0..<24 {
            data += Data(Telemetry.record(index).utf8) + Data(index % 4 == 1 ? "\r\n".utf8 : "\n".utf8)
            switch index {
            case 3: data += Data("\n   \n\t\r\n".utf8)
            case 7: data += Data(#"{"dev":"wr-1","pad":""#.utf8) + Data(repeating: 0x78, count: 10_000) + Data("\"}\n".utf8)
            case 11: data += Data("not json\r\n".utf8)
            case 13: data += Data(#"{"dev":""#.utf8) + Data([0xFF]) + Data("\"}\n".utf8)
            case 17: data += Data(#"{"dev":"x"#.utf8) + Data([0x00]) + Data("\"}\n".utf8)
            default: break
            }
        }
        return data + Data(#"{"dev":"wr-000099","last":"no newline"}"#.utf8)
    }

    @Test func oneBytePerWriteGivesWhatOneWriteAndAFileGive() throws {
        let scratch = try TemporaryDirectory()
        let data = Self.awkwardInput
        func arguments(_ name: String) -> [String] { ["--max-line-bytes", "1KiB", "--rejects", scratch.file(name).path] }

        let bytewise = try LiveStage("wear-filter", filterIdentity + arguments("bytewise.rejects"))
        bytewise.writeBytewise(data)
        #expect(bytewise.finish() == 0)
        let whole = try LiveStage("wear-filter", filterIdentity + arguments("whole.rejects"))
        whole.write(data)
        #expect(whole.finish() == 0)
        let file = try ProcessRun.run(try Binaries.url(of: "wear-filter"), filterIdentity + arguments("file.rejects"), input: data)
        #expect(file.status == 0)

        let rejects = try ["bytewise", "whole", "file"].map { try Data(contentsOf: scratch.file("\($0).rejects")) }
        #expect(bytewise.stdout == file.stdout)
        #expect(whole.stdout == file.stdout)
        #expect(rejects[0] == rejects[2])
        #expect(rejects[1] == rejects[2])
        #expect(file.stdoutLines.count == 25)
        #expect(file.stdoutLines.last == #"{"dev":"wr-000099","last":"no newline"}"#)
        #expect(!file.stdoutText.contains("\r"))
        expectBalancedLedger("wear-filter", stdout: bytewise.stdout, stderr: bytewise.stderr, rejects: rejects[0])
        expectBalancedLedger("wear-filter", stdout: whole.stdout, stderr: whole.stderr, rejects: rejects[1])
        expectBalancedLedger("wear-filter", file, rejects: rejects[2])
        let summary = try LedgerSummary.parse(stderr: bytewise.stderr, stage: "wear-filter")
        #expect(summary.byReason == ["line_too_long": 1, "bad_json": 2, "bad_utf8": 1])
    }

    @Test func aRecordReachesStdoutWhileStdinIsStillOpen() throws {
        let stage = try LiveStage("wear-filter", filterIdentity + [])
        stage.write(Telemetry.record(1) + "\n")
        #expect(stage.waitForLines(1, upTo: 20), "the first record did not arrive while stdin was open")
        stage.write(Telemetry.record(2) + "\n")
        #expect(stage.waitForLines(2, upTo: 20), "the second record did not arrive while stdin was open")
        #expect(stage.finish() == 0)
        #expect(stage.stdoutLines == [Telemetry.record(1), Telemetry.record(2)])
        expectBalancedLedger("wear-filter", stdout: stage.stdout, stderr: stage.stderr, rejects: nil)
    }

    @Test func aTenMebibyteLineIsRejectedWithoutBeingBuffered() throws {
        let scratch = try TemporaryDirectory()
        let stage = try LiveStage("wear-filter", filterIdentity + ["--rejects", scratch.file("rejects").path])
        stage.write(Telemetry.record(1) + "\n")
        try #require(stage.waitForLines(1))
        let baseline = try #require(stage.peakResidentKiB)

        var huge = Data(#"{"dev":"wr-1","blob":""#.utf8)
        huge += Data(repeating: 0x41, count: 10 << 20)
        huge += Data("\"}\n".utf8)
        stage.write(huge)
        stage.write(Telemetry.record(2) + "\n")
        try #require(stage.waitForLines(2))
        let peak = try #require(stage.peakResidentKiB)
        #expect(stage.finish() == 0)

        #expect(stage.stdoutLines == [Telemetry.record(1), Telemetry.record(2)])
        #expect(peak < 40 * 1024, "peak RSS \(peak) KiB")
        #expect(peak - baseline < 5 * 1024, "RSS grew by \(peak - baseline) KiB while skipping a 10 MiB line")
        let rejects = try Data(contentsOf: scratch.file("rejects"))
        let reject = try #require(try JSONSerialization.jsonObject(with: rejects) as? [String: Any])
        #expect(reject["reason"] as? String == "line_too_long")
        #expect(reject["line"] as? Int == 2)
        #expect((reject["input"] as? String)?.utf8.count == 4096)
        expectBalancedLedger("wear-filter", stdout: stage.stdout, stderr: stage.stderr, rejects: rejects)
    }
}
