import Foundation
import Testing
import WearTesting

/// `--help` (COLUMNS=80) of every binary against Tests/Fixtures/help/<binary>.txt;
/// `WEAR_UPDATE_GOLDEN=1` rewrites the snapshots (review the diff).
/// Also the common behaviour of argument parsing: `--version`, unknown options.
@Suite struct HelpSnapshotTests {
    static let binaries = ["wear-decrypt", "wear-filter", "wear-score", "wear-alert", "wear"]

    @Test(arguments: binaries)
    func helpMatchesItsSnapshot(_ binary: String) throws {
        let result = try ProcessRun.run(try Binaries.url(of: binary), ["--help"], environment: ["COLUMNS": "80"])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty, "\(result.stderrText)")
        let snapshot = GoldenFixtures.root.appendingPathComponent("help/\(binary).txt")
        if ProcessInfo.processInfo.environment["WEAR_UPDATE_GOLDEN"] == "1" {
            try result.stdout.write(to: snapshot)
        }
        let expected = try String(contentsOf: snapshot, encoding: .utf8)
        #expect(result.stdoutText == expected, "\(binary) --help changed; rerun with WEAR_UPDATE_GOLDEN=1 and review")
        #expect(result.stdoutText.contains("USAGE: \(binary)"))
        #expect(result.stdoutText.contains("Examples:"), "\(binary) --help has no examples")
    }

    @Test(arguments: binaries)
    func versionPrintsTheProgramTheVersionAndTheCommit(_ binary: String) throws {
        let result = try ProcessRun.run(try Binaries.url(of: binary), ["--version"])
        #expect(result.status == 0)
        #expect(result.stdoutText == "\(binary) \(wearVersion) (\(try builtCommit(of: binary)))\n")
        let commit = try builtCommit(of: binary)
        let hex = commit.split(separator: "-", maxSplits: 1)
        #expect(commit == "unknown" || (hex[0].count == 7 && hex[0].allSatisfy(\.isHexDigit) && (hex.count == 1 || hex[1] == "dirty")),
                "commit '\(commit)'")
        #expect(result.stderr.isEmpty)
    }

    @Test(arguments: binaries)
    func anUnknownOptionIsAUsageErrorOnStderrOnly(_ binary: String) throws {
        // Not hidden behind a command's own checks (wear-decrypt's "give --keys FILE, ..."): the typo comes first.
        let result = try ProcessRun.run(try Binaries.url(of: binary), ["--no-such-option"])
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty, "stdout: \(result.stdoutText)")
        #expect(result.stderrText.contains("Unknown option '--no-such-option'"), "\(result.stderrText)")
    }
}
