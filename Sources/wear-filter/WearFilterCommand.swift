import ArgumentParser
import WearCLI
import WearCore
import WearFilter

@main
struct WearFilterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wear-filter",
        abstract: "Pre-filter telemetry with rules: drop, tag or keep records.",
        discussion: """
            The rule language (pipelines/rules/default.rules) is not built yet: for now every valid record passes through unchanged.

            Reads newline-delimited JSON records from standard input (or --input)
            and writes them to standard output. Lines that are not JSON objects,
            have duplicate member names or exceed --max-line-bytes are rejected
            (see --rejects); the summary line on stderr at exit gives the counts.

            Exit status: 0 ok, 64 bad usage, 66 input or config file missing,
            74 I/O error or closed output, 78 invalid config.

            Examples:
              wear sim --plain --devices 10 --duration 1m | wear-filter --rejects rejects.ndjson
            """,
        version: WearVersion.current
    )

    @OptionGroup var common: CommonOptions

    func run() throws {
        StageMain.run(common) { _ in FilterStage() }
    }
}
