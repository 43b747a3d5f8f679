import ArgumentParser
import WearCLI
import WearCore
import WearScore

@main
struct WearScoreCommand: ParsableCommand {
    static func main() { wearMain() }

    static let configuration = CommandConfiguration(
        commandName: "wear-score",
        abstract: "Score each device's telemetry stream for anomalies.",
        discussion: StageHelp.discussion(
            "Per-device scoring is not built yet: for now every valid record passes through unchanged.",
            examples: ["wear-filter < telemetry.ndjson \\\n  | wear-score --metrics-file /run/wear/score.prom"]
        ),
        version: WearVersion.line(program: "wear-score")
    )

    @OptionGroup var common: CommonOptions

    func run() throws {
        StageMain.run(common) { _ in ScoreStage() }
    }
}
