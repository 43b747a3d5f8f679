import ArgumentParser
import WearCLI
import WearCore
import WearTools

@main
struct WearCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wear",
        abstract: "Operator tool for the wear pipeline: keys, sealing, fleet simulation, evaluation.",
        version: WearVersion.current,
        subcommands: []
    )
}
