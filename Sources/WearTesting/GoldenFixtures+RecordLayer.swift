import Foundation
import Glibc
import WearCore

/// The runtime's record-layer cases (framing, validation, rejects, the
/// ledger): one set, `Tests/Fixtures/record-layer/<case>/`, written by its
/// make_record_cases.py, run once in process against `IdentityStage`; each
/// stage binary runs a sample of them (`check(recordLayerCase:binary:)`) to
/// show it applies the same layer. Expected rejects name the stage
/// `wear-identity`; for a binary that name becomes the binary's.
extension GoldenFixtures {
    public static let recordLayer = "record-layer"

    /// A few cases that together touch framing, validation, rejects and limits.
    public static let recordLayerSample = ["valid-records", "duplicate-keys", "line-too-long-crlf"]

    /// Runs record-layer case `name` through `StageRunner` with `IdentityStage`.
    public static func checkRecordLayer(case name: String) throws {
        let folder = root.appendingPathComponent(recordLayer).appendingPathComponent(name)
        let fixture = try GoldenCase(folder: folder)
        let scratch = try TemporaryDirectory()
        let inputURL = scratch.file("input.ndjson")
        try fixture.input.write(to: inputURL)
        var options = RunnerOptions()
        options.input = .path(inputURL.path)
        options.rejectsPath = scratch.file("rejects.ndjson").path
        options.maxLineBytes = try maxLineBytes(fixture.arguments, case: name)
        let outputPath = scratch.file("output.ndjson").path
        options.outputFD = open(outputPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard options.outputFD >= 0 else { throw TestSupportError("cannot create \(outputPath)") }
        let (logger, _) = InMemoryLogHandler.logger()
        var runner = StageRunner(stage: IdentityStage(), options: options, logger: logger)
        let status = runner.run()
        close(options.outputFD)
        let output = (try? Data(contentsOf: URL(fileURLWithPath: outputPath))) ?? Data()
        let rejects = (try? Data(contentsOf: URL(fileURLWithPath: options.rejectsPath ?? ""))) ?? Data()

        var problems: [String] = []
        if status.rawValue != fixture.status { problems.append("exit status \(status.rawValue), expected \(fixture.status)") }
        if let difference = firstDifference(actual: output, expected: fixture.expectedOutput) { problems.append("stdout: \(difference)") }
        if let difference = firstDifference(actual: rejects, expected: fixture.expectedRejects) { problems.append("rejects: \(difference)") }
        let ledger = runner.ledger
        if !ledger.balances {
            problems.append("ledger does not balance: in=\(ledger.recordsIn) out=\(ledger.recordsOut) rejected=\(ledger.rejected)")
        }
        if lines(in: output) != ledger.recordsOut { problems.append("out=\(ledger.recordsOut), output has \(lines(in: output)) lines") }
        if lines(in: rejects) != ledger.rejected { problems.append("\(ledger.rejected) rejects, the file has \(lines(in: rejects))") }
        if !problems.isEmpty {
            throw GoldenMismatch(case: "\(recordLayer)/\(name)", problems: problems, stderr: "")
        }
    }

    /// Runs record-layer case `name` through a stage's real binary; the
    /// expected rejects are the identity stage's, renamed to `binary`.
    /// `arguments` go before the case's own (wear-filter's empty rules file).
    public static func check(recordLayerCase name: String, binary: String, arguments: [String] = []) throws {
        try check(stage: recordLayer, case: name, binary: binary, stageName: binary, extraArguments: arguments)
    }

    /// The cases' only option is `--max-line-bytes N`; anything else is a fixture mistake.
    static func maxLineBytes(_ arguments: [String], case name: String) throws -> Int {
        guard !arguments.isEmpty else { return RunnerOptions().maxLineBytes }
        guard arguments.count == 2, arguments[0] == "--max-line-bytes", let value = Int(arguments[1]) else {
            throw TestSupportError("\(recordLayer)/\(name)/args: only --max-line-bytes N is supported, found \(arguments)")
        }
        return value
    }

    static func lines(in data: Data) -> Int { data.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } }

    /// `rejects` with the identity stage's name replaced by `stage`'s.
    static func renamingStage(_ rejects: Data, to stage: String) -> Data {
        let text = String(decoding: rejects, as: UTF8.self)
        return Data(text.replacingOccurrences(of: #"{"stage":"\#(IdentityStage.name)","#, with: #"{"stage":"\#(stage)","#).utf8)
    }
}
