import ArgumentParser
import WearCLI
import WearCore
import WearAlert

@main
struct WearAlertCommand: ParsableCommand {
    static func main() { wearMain() }

    static let configuration = CommandConfiguration(
        commandName: "wear-alert",
        abstract: "Turn anomalous records into anonymised alert posts.",
        discussion: StageHelp.discussion(
            "Incidents, budgets and the X sink are not built yet: for now every valid record passes through unchanged.",
            examples: ["wear-score < telemetry.ndjson | wear-alert --rejects alert.rejects"]
        ),
        version: WearVersion.line(program: "wear-alert")
    )

    @OptionGroup var common: CommonOptions

    func run() throws {
        StageMain.run(common) { _ in AlertStage() }
    }
}
