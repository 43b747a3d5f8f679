import ArgumentParser
import WearCLI
import WearCore
import WearAlert

@main
struct WearAlertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wear-alert",
        abstract: "Turn anomalous records into anonymised alert posts.",
        discussion: """
            Incidents, budgets and the X sink are not built yet: for now every valid record passes through unchanged.

            Reads newline-delimited JSON records from standard input (or --input)
            and writes them to standard output. Lines that are not JSON objects,
            have duplicate member names or exceed --max-line-bytes are rejected
            (see --rejects); the summary line on stderr at exit gives the counts.

            Exit status: 0 ok, 64 bad usage, 66 input or config file missing,
            74 I/O error or closed output, 78 invalid config.

            Examples:
              wear-score < scored.ndjson | wear-alert --rejects alert-rejects.ndjson
            """,
        version: WearVersion.current
    )

    @OptionGroup var common: CommonOptions

    func run() throws {
        StageMain.run(common) { _ in AlertStage() }
    }
}
