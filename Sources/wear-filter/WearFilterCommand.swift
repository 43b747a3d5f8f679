import ArgumentParser
import WearCLI
import WearCore
import WearFilter

@main
struct WearFilterCommand: ParsableCommand {
    static func main() { wearMain() }

    static let configuration = CommandConfiguration(
        commandName: "wear-filter",
        abstract: "Pre-filter telemetry with rules: drop, tag or keep records.",
        discussion: StageHelp.discussion(
            "The rule language (pipelines/rules/default.rules) is not built yet: for now every valid record passes through unchanged.",
            examples: ["wear sim --plain --devices 10 --duration 1m \\\n  | wear-filter --rejects filter.rejects"]
        ),
        version: WearVersion.line(program: "wear-filter")
    )

    @OptionGroup var common: CommonOptions

    func run() throws {
        StageMain.run(common) { _ in FilterStage() }
    }
}
