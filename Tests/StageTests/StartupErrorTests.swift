import Foundation
import Glibc
import Testing
import WearTesting

/// A fatal start-up error is one line naming what is wrong, its status, and
/// nothing after it: no `info: in=0 out=0 rejected=0` summary, for every
/// stage binary, wear-decrypt included.
@Suite struct StartupErrorTests {
    static let stages = identityStages + ["wear-decrypt", "wear-runtime-probe"]

    /// Arguments a stage needs before it reaches its input (wear-decrypt: a key).
    func required(_ stage: String, in scratch: TemporaryDirectory) throws -> [String] {
        guard stage == "wear-decrypt" else { return identityArguments(stage) }
        let path = scratch.file("master.key").path
        try Data((String(repeating: "ab", count: 32) + "\n").utf8).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o600)
        return ["--master-key", path]
    }

    func expectOneErrorLine(_ result: ProcessResult, _ line: String, status: Int32,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == status, "stderr:\n\(result.stderrText)", sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, sourceLocation: sourceLocation)
        #expect(result.stderrText == line + "\n", sourceLocation: sourceLocation)
    }

    @Test(arguments: stages)
    func aMissingInputFileIsOneLineAndNoSummary(_ stage: String) throws {
        let scratch = try TemporaryDirectory()
        let result = try ProcessRun.run(try Binaries.url(of: stage), try required(stage, in: scratch) + ["--input", "/nonexistent/in.ndjson"])
        expectOneErrorLine(result, "\(stage): error: cannot open input /nonexistent/in.ndjson: No such file or directory", status: 66)
    }

    @Test(arguments: stages)
    func aDirectoryAsInputNamesThePathAndPrintsNoSummary(_ stage: String) throws {
        let scratch = try TemporaryDirectory()
        let result = try ProcessRun.run(try Binaries.url(of: stage), try required(stage, in: scratch) + ["--input", scratch.url.path])
        expectOneErrorLine(result, "\(stage): error: cannot read input \(scratch.url.path): Is a directory", status: 74)
    }

    @Test(arguments: stages)
    func aDirectoryOnStandardInputIsNamedAsStandardInput(_ stage: String) throws {
        let scratch = try TemporaryDirectory()
        let binary = try Binaries.url(of: stage).path
        let arguments = try required(stage, in: scratch).joined(separator: " ")
        let result = try ProcessRun.shell("exec \(binary) \(arguments) < /")
        expectOneErrorLine(result, "\(stage): error: cannot read input <stdin>: Is a directory", status: 74)
    }
}
