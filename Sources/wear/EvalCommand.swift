import ArgumentParser
import WearCLI
import WearCore
import WearTools

struct EvalCommand: ParsableCommand, CheckedArguments {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Score a pipeline run against the simulator's labels.",
        discussion: """
            Reads the labels of `wear sim --labels` and whichever outputs of the run
            are given, and prints per attack type: instances injected and records
            they altered or inserted; instances caught at each stage (decrypt
            reject, filter drop, filter tag, score >= --threshold, alert); recall;
            records caught; median detection delay in event time. Then the share of
            clean records each stage flagged.

            Rejects files may come from any stage: each reject's "stage" says which.
            A stage whose rejects were not seen shows "-"; name its file with
            --decrypt-rejects or --filter-rejects to count an empty file as zero.
            Records are matched to labels by content: (dev, rx), else (dev, seq, ts),
            else the reject's line number when it names no device. Alerts are
            attributed by the receipt's "dev" or, with --pseudonym-key, by the
            pseudonym in it, and tied to an attack by its "opened" event time.

            Warnings on stderr (and "warnings" in --json) say when the labels look
            like another run's (clean records rejected by decrypt, no labelled
            record in the outputs) or a file is given twice (it counts once).
            --fail-under exits 1 when total recall is below it (after the report).

            Examples:
              wear eval --labels labels.ndjson --rejects decrypt.rejects
              wear eval --labels labels.ndjson --decrypt-rejects decrypt.rejects \\
                --filter-rejects filter.rejects --scored scored.ndjson \\
                --receipts receipts.ndjson --threshold 0.999
              wear eval --labels labels.ndjson --scored scored.ndjson --json \\
                | jq .total.recall
              # a page to look at: the table shaded by catches, the delays drawn
              wear eval --labels labels.ndjson --scored scored.ndjson --html eval.html
              # CI: fail the job when less than 90 % of the attacks are caught
              wear eval --labels labels.ndjson --scored scored.ndjson --fail-under 0.9
            """
    )

    @Option(help: ArgumentHelp("Ground truth from `wear sim --labels`.", valueName: "file"))
    var labels: String

    @Option(help: ArgumentHelp("A --rejects file of any stage; each reject's \"stage\" says which (repeatable).", valueName: "file"))
    var rejects: [String] = []

    @Option(help: ArgumentHelp("wear-decrypt's --rejects file: as --rejects, and an empty file still counts as 'no decrypt catches'.", valueName: "file"))
    var decryptRejects: [String] = []

    @Option(help: ArgumentHelp("wear-filter's --rejects file: as --rejects, and an empty file still counts as 'no filter drops'.", valueName: "file"))
    var filterRejects: [String] = []

    @Option(help: ArgumentHelp("The scored stream: wear-score's (or wear-filter's) output (repeatable).", valueName: "file"))
    var scored: [String] = []

    @Option(help: ArgumentHelp("wear-alert's receipts (repeatable).", valueName: "file"))
    var receipts: [String] = []

    @Option(parsing: .unconditional, help: "A record counts as caught by wear-score when its score is at least this: wear-score's default alert threshold.")
    var threshold = 0.9999

    @Option(help: ArgumentHelp("wear-alert's --pseudonym-key, to tell which device an alert is about.", valueName: "file"))
    var pseudonymKey: String?

    @Flag(help: "Print the report as JSON (compact; pipe it through jq for people).")
    var json = false

    @Option(help: ArgumentHelp("Also write the report as a self-contained HTML page with inline SVG (the table shaded by catches, recall bars, delays on a log scale).", valueName: "file"))
    var html: String?

    @Option(parsing: .unconditional,
            help: ArgumentHelp("Exit 1 when the total recall (instances caught anywhere / injected) is below this, e.g. 0.9.",
                               valueName: "recall"))
    var failUnder: Double?

    func check() throws {
        guard threshold.isFinite, (0...1).contains(threshold) else {
            throw ValidationError("--threshold must be between 0 and 1, found \(threshold)")
        }
        if let failUnder, !failUnder.isFinite || !(0...1).contains(failUnder) {
            throw ValidationError("--fail-under must be between 0 and 1, found \(failUnder)")
        }
    }

    func run() throws {
        var runner = EvalRunner(labelsPath: labels)
        runner.rejects = rejects
        runner.decryptRejects = decryptRejects
        runner.filterRejects = filterRejects
        runner.scored = scored
        runner.receipts = receipts
        runner.threshold = threshold
        runner.pseudonymKeyPath = pseudonymKey
        let report: EvalReport
        do {
            report = try runner.run()
        } catch {
            exitWith(error, command: "eval")
        }
        let logger = WearLogging.logger(program: "wear eval")
        for warning in report.warnings { logger.warning("\(warning)") }
        if let html {
            do {
                try DurableFile(path: html, mode: DurableFile.sharedMode).write(Array(report.html().utf8))
            } catch {
                exitWith(error, command: "eval")
            }
        }
        print(json ? report.document().dumped() : report.table(), terminator: json ? "\n" : "")
        if let failUnder, let verdict = report.recallVerdict(failUnder: failUnder) {
            exitWith(verdict, command: "eval")
        }
    }
}
