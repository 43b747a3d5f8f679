import Foundation
import Glibc
import Testing
import WearTesting

/// The three stages that run the shared runtime as identity filters.
let identityStages = ["wear-filter", "wear-score", "wear-alert"]

/// What wear-filter needs to run as an identity stage: a rules file with no rules.
let filterIdentity = ["--rules", GoldenFixtures.root.appendingPathComponent("wear-filter/identity.rules").path]

/// `filterIdentity` for a shell command line.
let filterIdentityShell = "--rules '\(filterIdentity[1])'"

/// The arguments that make `stage` an identity stage (only wear-filter needs any).
func identityArguments(_ stage: String) -> [String] {
    stage == "wear-filter" ? filterIdentity : []
}

/// What `--version` prints and `wear_stage_info` exports.
let wearVersion = "0.1.0"

/// The commit a built binary reports in `--version` (`wear-filter 0.1.0 (abc1234)`): "unknown" or 7 hex digits, "-dirty" optionally.
func builtCommit(of binary: String) throws -> String {
    let line = try ProcessRun.run(try Binaries.url(of: binary), ["--version"]).stdoutText
    guard let open = line.lastIndex(of: "("), let close = line.lastIndex(of: ")"), open < close else { return "" }
    return String(line[line.index(after: open)..<close])
}

func lineCount(_ data: Data) -> Int { data.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } }

/// Checks a run's accounting: the summary line parses, in = out + rejects,
/// the rejects file has one line per reject and stdout one per record out.
@discardableResult
func expectBalancedLedger(_ stage: String, stdout: Data?, stderr: String, rejects: Data?,
                          sourceLocation: SourceLocation = #_sourceLocation) -> LedgerSummary? {
    let summary: LedgerSummary
    do {
        summary = try LedgerSummary.parse(stderr: stderr, stage: stage)
    } catch {
        Issue.record(error, sourceLocation: sourceLocation)
        return nil
    }
    #expect(summary.balances, "\(stage): in=\(summary.recordsIn) out=\(summary.recordsOut) rejected=\(summary.rejected) \(summary.byReason)",
            sourceLocation: sourceLocation)
    if let rejects {
        #expect(lineCount(rejects) == summary.rejected, "\(stage): rejects file lines vs summary", sourceLocation: sourceLocation)
    }
    if let stdout {
        #expect(lineCount(stdout) == summary.recordsOut, "\(stage): stdout lines vs summary", sourceLocation: sourceLocation)
    }
    return summary
}

/// The same checks for a completed `ProcessRun`, through the golden harness.
func expectBalancedLedger(_ stage: String, _ result: ProcessResult, rejects: Data,
                          sourceLocation: SourceLocation = #_sourceLocation) {
    let problems = GoldenFixtures.ledgerProblems(stage: stage, result: result, rejects: rejects)
    #expect(problems.isEmpty, "\(problems)\nstderr:\n\(result.stderrText)", sourceLocation: sourceLocation)
}

/// Deterministic plaintext telemetry, about 140 bytes a record.
enum Telemetry {
    static func record(_ index: Int, devices: Int = 100, pad: Int = 0) -> String {
        let device = String(format: "wr-%06d", index % devices)
        let extra = pad > 0 ? #","note":""# + String(repeating: "n", count: pad) + "\"" : ""
        return #"{"dev":"\#(device)","seq":\#(index / devices),"ts":\#(1_763_700_000_000 + index * 10),"#
            + #""fw":"2.4.1","hr":\#(60 + index % 40),"spo2":\#(95 + index % 5),"temp":36.\#(index % 10),"#
            + #""acc":[0.01,-0.02,0.98],"bat":\#(index % 100)\#(extra)}"#
    }

    static func lines(_ count: Int) -> [String] { (0..<count).map { record($0) } }
}

/// A FIFO in `folder` (mkfifo, mode 0600).
func makeFIFO(in folder: TemporaryDirectory, named name: String = "records.fifo") throws -> String {
    let path = folder.file(name).path
    guard mkfifo(path, 0o600) == 0 else { throw TestSupportError("mkfifo \(path): \(String(cString: strerror(errno)))") }
    return path
}

/// Opens `path` close-on-exec; throws with errno's text.
func openDescriptor(_ path: String, _ flags: Int32) throws -> Int32 {
    let fd = open(path, flags | O_CLOEXEC)
    guard fd >= 0 else { throw TestSupportError("open \(path): \(String(cString: strerror(errno)))") }
    return fd
}

/// Writes all of `text` to `fd` (blocking descriptor).
func writeAll(_ fd: Int32, _ text: String) {
    var bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
        let written = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
        if written < 0 { if errno == EINTR { continue } else { return } }
        offset += written
    }
}
