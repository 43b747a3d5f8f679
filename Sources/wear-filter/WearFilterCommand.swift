import ArgumentParser
import WearCLI
import WearCore
import WearFilter

@main
struct WearFilterCommand: ParsableCommand, CheckedArguments {
    static func main() { wearMain() }

    static let configuration = CommandConfiguration(
        commandName: "wear-filter",
        abstract: "Pre-filter telemetry with rules: drop, tag or keep records.",
        discussion: """
            Runs the rules of --rules FILE over every record, in file order (the
            language: docs/rules.md; an operator starts from
            pipelines/rules/default.rules). `drop NAME EXPR` rejects a record that
            matches (reason rule:NAME) and stops; `keep NAME EXPR` rejects one that
            does not; `tag NAME EXPR` appends NAME to the record's "flags" array.
            A record no rule drops passes through byte for byte, or with its tags
            added. A missing or mistyped field makes a comparison false, never an
            error. Stateful functions (last, max, delta, zscore, rate, bucket) keep
            state per key, such as per dev, for at most --max-keys keys (the least
            recently seen is evicted); rate and bucket use event time (rx, else ts).

            --check FILE only validates a rules file; --test FILE runs a rule test
            file (records and the action each must get, as `promtool test rules`
            does; format in docs/wear-filter.md). SIGHUP reloads --rules: an invalid
            file is logged with its FILE:LINE:COL and the old rules stay; rules whose
            name and expression are unchanged keep their state.

            Exit status: 0 ok, 1 a --test case failed, 64 bad usage, 66 rules or
            input file missing, 74 I/O error or closed output, 78 invalid rules.

            Examples:
              wear-filter --rules default.rules < plain.ndjson > kept.ndjson
              wear-decrypt --master-key master.key < envelopes.ndjson \\
                | wear-filter --rules default.rules --rejects filter.rejects
              wear-filter --check /etc/wear/rules/default.rules
              wear-filter --test pipelines/rules/default.test
              kill -HUP "$(pidof wear-filter)"    # reload the rules
            """,
        version: WearVersion.line(program: "wear-filter")
    )

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: ArgumentHelp("The rules to run (docs/rules.md).", valueName: "file"))
    var rules: String?

    @Option(name: .customLong("check"), help: ArgumentHelp("Only check this rules file: print how many rules it has, or its first error.", valueName: "file"))
    var checkPath: String?

    @Option(name: .long, help: ArgumentHelp("Run this rule test file and report each record that did not get what it expects.", valueName: "file"))
    var test: String?

    @Option(name: .long, help: ArgumentHelp("The most keys (devices) with rule state, per key expression such as dev.", valueName: "count"))
    var maxKeys = 1_000_000

    func check() throws {
        let modes = [rules, checkPath, test].compactMap { $0 }.count
        guard modes == 1 else {
            throw ValidationError(modes == 0 ? "give --rules FILE (or --check FILE, or --test FILE)"
                                             : "give only one of --rules, --check and --test")
        }
        guard maxKeys >= 1, maxKeys <= 100_000_000 else {
            throw ValidationError("--max-keys must be between 1 and 100000000, found \(maxKeys)")
        }
    }

    func run() throws {
        if let checkPath {
            RuleCommands.check(checkPath, maxKeys: maxKeys, logLevel: common.logLevel.level)
        } else if let test {
            RuleCommands.test(test, logLevel: common.logLevel.level)
        } else if let rules {
            StageMain.run(common) { logger in try FilterStage(rulesPath: rules, maxKeys: maxKeys, logger: logger) }
        }
    }
}
