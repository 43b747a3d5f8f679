import ArgumentParser
import Glibc
import WearCLI
import WearCore
import WearTools

@main
struct WearCommand: ParsableCommand {
    static func main() { wearMain() }

    static let configuration = CommandConfiguration(
        commandName: "wear",
        abstract: "Operator tool for the wear pipeline: keys, sealing, fleet simulation, evaluation, a live dashboard.",
        discussion: """
            Examples:
              wear keys new --out master.key
              wear sim --devices 1000 --duration 10m --attacks all \\
                  --master-key master.key --labels labels.ndjson \\
                | wear-decrypt --master-key master.key --rejects decrypt.rejects \\
                | wear-filter --rejects filter.rejects | wear-score > scored.ndjson
              wear eval --labels labels.ndjson --decrypt-rejects decrypt.rejects \\
                  --filter-rejects filter.rejects --scored scored.ndjson
              wear dashboard --metrics-dir /var/lib/prometheus/node-exporter
            """,
        version: WearVersion.line(program: "wear"),
        subcommands: [KeysCommand.self, SealCommand.self, SimCommand.self, EvalCommand.self, DashboardCommand.self]
    )
}

/// Prints a failure as `wear <command>: error: ...` (nothing when quiet) and exits with its status.
func exitWith(_ failure: any Error, command: String) -> Never {
    ProcessExit.fail(failure, program: "wear \(command)")
}
