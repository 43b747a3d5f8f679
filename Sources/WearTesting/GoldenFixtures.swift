import Foundation

/// Per-stage golden tests: each case is a folder `Tests/Fixtures/<stage>/<case>/`:
///
/// - `args`: one command-line argument per line (optional); paths are relative
///   to the case folder, which is the working directory of the run;
/// - `input.ndjson`: standard input;
/// - `expected.ndjson`: the exact expected standard output;
/// - `rejects.ndjson`: the exact expected `--rejects` file (absent: no rejects);
/// - `status`: the expected exit status (absent: 0).
///
/// The harness adds `--rejects`, runs the real binary, compares, and checks
/// the ledger from the summary line: in = out + rejects, out = lines written
/// (for stages whose output is their records), rejects = lines in the file.
/// `WEAR_UPDATE_GOLDEN=1` rewrites the expected files from the actual run.
/// The runtime's own record-layer cases are shared: see GoldenFixtures+RecordLayer.swift.
public enum GoldenFixtures {
    /// Tests/Fixtures, found relative to this source file.
    public static var root: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Tests/Fixtures")
    }

    /// The case folders of a stage, sorted; empty if it has none.
    public static func caseNames(stage: String) -> [String] {
        let folder = root.appendingPathComponent(stage)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { name in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path, isDirectory: &isDirectory)
                && isDirectory.boolValue
        }.sorted()
    }

    /// Runs one case and throws a `GoldenMismatch` describing every difference.
    public static func check(stage: String, case name: String, binary: String? = nil) throws {
        try check(stage: stage, case: name, binary: binary ?? stage, stageName: nil)
    }

    /// `check`, for a case folder shared by several binaries: with
    /// `stageName`, the expected rejects name that stage instead of the
    /// identity stage, and the summary line is the binary's.
    static func check(stage: String, case name: String, binary: String, stageName: String?,
                      extraArguments: [String] = []) throws {
        let folder = root.appendingPathComponent(stage).appendingPathComponent(name)
        var fixture = try GoldenCase(folder: folder)
        if let stageName {
            guard ProcessInfo.processInfo.environment["WEAR_UPDATE_GOLDEN"] != "1" else { return }
            fixture.expectedRejects = renamingStage(fixture.expectedRejects, to: stageName)
            // wear-alert consumes records: unscored ones write no receipt.
            if stageName == "wear-alert" { fixture.expectedOutput = Data() }
        }
        let scratch = try TemporaryDirectory()
        let rejectsURL = scratch.file("rejects.ndjson")
        let result = try ProcessRun.run(try Binaries.url(of: binary),
                                        extraArguments + fixture.arguments + ["--rejects", rejectsURL.path],
                                        input: fixture.input, directory: folder)
        let rejects = (try? Data(contentsOf: rejectsURL)) ?? Data()

        if ProcessInfo.processInfo.environment["WEAR_UPDATE_GOLDEN"] == "1" {
            try fixture.update(stdout: result.stdout, rejects: rejects, status: result.status)
            return
        }
        var problems: [String] = []
        if result.status != fixture.status {
            problems.append("exit status \(result.status), expected \(fixture.status)")
        }
        if let difference = firstDifference(actual: result.stdout, expected: fixture.expectedOutput) {
            problems.append("stdout: \(difference)")
        }
        if let difference = firstDifference(actual: rejects, expected: fixture.expectedRejects) {
            problems.append("rejects: \(difference)")
        }
        if fixture.status == 0 {
            problems += ledgerProblems(stage: stageName ?? stage, result: result, rejects: rejects)
        }
        if !problems.isEmpty {
            throw GoldenMismatch(case: "\(stage)/\(name)", problems: problems, stderr: result.stderrText)
        }
    }

    /// The accounting checks every stage run must pass.
    public static func ledgerProblems(stage: String, result: ProcessResult, rejects: Data) -> [String] {
        guard let summary = try? LedgerSummary.parse(stderr: result.stderrText, stage: stage) else {
            return ["no summary line on stderr"]
        }
        var problems: [String] = []
        if !summary.balances {
            problems.append("ledger does not balance: in=\(summary.recordsIn) out=\(summary.recordsOut) rejected=\(summary.rejected) \(summary.byReason)")
        }
        let rejectLines = rejects.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        if rejectLines != summary.rejected {
            problems.append("summary says \(summary.rejected) rejects, the rejects file has \(rejectLines)")
        }
        if stage != "wear-alert" {
            let outputLines = result.stdout.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            if outputLines != summary.recordsOut {
                problems.append("summary says out=\(summary.recordsOut), stdout has \(outputLines) lines")
            }
        }
        return problems
    }

    static func firstDifference(actual: Data, expected: Data) -> String? {
        guard actual != expected else { return nil }
        let actualLines = actual.split(separator: 0x0A, omittingEmptySubsequences: false)
        let expectedLines = expected.split(separator: 0x0A, omittingEmptySubsequences: false)
        for index in 0..<max(actualLines.count, expectedLines.count) {
            let got = index < actualLines.count ? String(decoding: actualLines[index], as: UTF8.self) : "<missing>"
            let want = index < expectedLines.count ? String(decoding: expectedLines[index], as: UTF8.self) : "<missing>"
            if got != want {
                return "line \(index + 1) differs:\n  expected: \(want.prefix(300))\n  actual:   \(got.prefix(300))"
            }
        }
        return "bytes differ (\(actual.count) vs \(expected.count) bytes)"
    }
}

/// One golden case folder, loaded.
struct GoldenCase {
    let folder: URL
    let arguments: [String]
    let input: Data
    var expectedOutput: Data
    var expectedRejects: Data
    let status: Int32

    init(folder: URL) throws {
        self.folder = folder
        func read(_ name: String) -> Data? { try? Data(contentsOf: folder.appendingPathComponent(name)) }
        guard let input = read("input.ndjson") else {
            throw TestSupportError("\(folder.path) has no input.ndjson")
        }
        self.input = input
        arguments = read("args").map { String(decoding: $0, as: UTF8.self).split(separator: "\n").map(String.init) } ?? []
        expectedOutput = read("expected.ndjson") ?? Data()
        expectedRejects = read("rejects.ndjson") ?? Data()
        let statusText = read("status").map { String(decoding: $0, as: UTF8.self) } ?? "0"
        status = Int32(statusText.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    func update(stdout: Data, rejects: Data, status: Int32) throws {
        try stdout.write(to: folder.appendingPathComponent("expected.ndjson"))
        let rejectsURL = folder.appendingPathComponent("rejects.ndjson")
        if rejects.isEmpty {
            try? FileManager.default.removeItem(at: rejectsURL)
        } else {
            try rejects.write(to: rejectsURL)
        }
        let statusURL = folder.appendingPathComponent("status")
        if status == 0 {
            try? FileManager.default.removeItem(at: statusURL)
        } else {
            try Data("\(status)\n".utf8).write(to: statusURL)
        }
    }
}

/// What differed in a golden case.
public struct GoldenMismatch: Error, CustomStringConvertible {
    public let `case`: String
    public let problems: [String]
    public let stderr: String

    public var description: String {
        "golden case \(self.case) failed:\n- " + problems.joined(separator: "\n- ") + "\nstderr:\n\(stderr)"
    }
}
