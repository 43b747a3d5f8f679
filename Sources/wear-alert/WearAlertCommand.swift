import ArgumentParser
import WearCLI
import WearCore
import WearAlert

/// Where posts go. `x` (the X API, its outbox and retries) is not in this build yet.
enum SinkKind: String, ExpressibleByArgument, CaseIterable {
    case stdout
}

@main
struct WearAlertCommand: ParsableCommand, CheckedArguments {
    static func main() { wearMain() }

    static let configuration = CommandConfiguration(
        commandName: "wear-alert",
        abstract: "Turn anomalous records into anonymised alert posts.",
        discussion: """
            Scored records in (wear-score's "score" and "why"), alert receipts out.
            A record with score >= --threshold opens or extends the incident of
            its device and category (physiology, tamper, sensor, traffic: from
            "why" and "flags"); --quiet of event time (rx, else ts) without an
            anomaly closes it. An incident is posted when it opens and when its
            severity (low, medium, high, critical: the strongest z) rises.
            Posts are budgeted (--budget, a sliding window of wall time; the
            last post of the budget is kept for digests): what the budget
            cannot carry is queued and folded into a digest post ("12 more
            incidents in the last hour: 7 physiology, 5 tamper") after
            --digest-interval. Every incident is in exactly one post or digest.

            A post names a device only by its pseudonym for the day (HMAC of the
            UTC date and the device id under --pseudonym-key, 8 base32
            characters); it never holds a device id, seq, raw value, a time
            finer than the hour, an address or firmware. Templates: see
            docs/wear-alert.md. --sink stdout (the default) is the dry run.

            Each record is consumed: stdout carries one receipt per post, e.g.
            {"incident":"KQ4DFA2B-tamper-1763700011500","status":"dry_run",
            "post_id":"","text":"Incident opened: ...","dev":"wr-000042",...};
            "queued" for an incident waiting for a digest, then "digest" (with
            the digest's reference) when the digest is posted. Records that
            open nothing write nothing; the summary's out counts them.

            Examples:
              wear-score < telemetry.ndjson | wear-alert --pseudonym-key p.key
              wear-alert --budget 100/24h --quiet 5m --threshold 0.99999 \\
                --template incident.tmpl --digest-template digest.tmpl
              wear-alert --state /var/lib/wear/alert.state --category cpu=traffic

            State: with --state FILE the open incidents, the budget's window and
            the digest queue survive a restart (saved at exit and on SIGTERM,
            restored at start); a corrupt file is refused (exit 78) unless
            --state-reset. Without --pseudonym-key the key is random for the
            run: no one can tie its pseudonyms to devices afterwards.
            """,
        version: WearVersion.line(program: "wear-alert")
    )

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: ArgumentHelp("A record with score at or above this is an anomaly (wear-score's calibrated alert threshold).", valueName: "score"))
    var threshold = 0.9999

    @Option(name: .long, parsing: .unconditional,
            help: .quantity("Event time without an anomaly that closes an incident (e.g. 10m, 1h).", valueName: "duration",
                            default: DurationOption(.seconds(600))),
            transform: DurationOption.parse)
    var quiet = DurationOption(.seconds(600))

    @Option(name: .long, help: ArgumentHelp("The most open incidents held (least recently seen evicted, counted).", valueName: "count"))
    var maxIncidents = 100_000

    @Option(name: .long, parsing: .unconditional,
            help: .quantity("Posts per sliding window of wall time (X Free tier: 17/24h; Basic: 100/24h).", valueName: "rate",
                            default: RateOption(Rate(count: 17, per: .seconds(86_400)))),
            transform: RateOption.parse)
    var budget = RateOption(Rate(count: 17, per: .seconds(86_400)))

    @Option(name: .long, parsing: .unconditional,
            help: .quantity("How long (wall time) a queued incident waits for others before its digest.", valueName: "duration",
                            default: DurationOption(.seconds(3600))),
            transform: DurationOption.parse)
    var digestInterval = DurationOption(.seconds(3600))

    @Option(name: .customLong("category"), help: ArgumentHelp("Map a feature or flag name to a category (repeat), e.g. cpu=traffic.", valueName: "name=category"))
    var categories: [String] = []

    @Option(name: .long, help: ArgumentHelp("The pseudonym key (a private file, e.g. from `wear keys new`; default: random for this run).", valueName: "file"))
    var pseudonymKey: String?

    @Flag(name: .long, help: "Accept a --pseudonym-key file that group or others may read or write.")
    var allowInsecureKeyFile = false

    @Option(name: .long, help: ArgumentHelp("The template of incident posts (placeholders: docs/wear-alert.md).", valueName: "file"))
    var template: String?

    @Option(name: .long, help: ArgumentHelp("The template of digest posts.", valueName: "file"))
    var digestTemplate: String?

    @Option(name: .long, help: ArgumentHelp("Where posts go: stdout, the dry run (receipts show the text).", valueName: "sink"))
    var sink = SinkKind.stdout

    @Option(name: .long, help: ArgumentHelp("Restore open incidents, the budget and the digest queue from this file at start; save them (atomically, mode 0600) at exit and on SIGTERM.", valueName: "file"))
    var state: String?

    @Flag(name: .long, help: "Start without the saved state; --state is overwritten at exit.")
    var stateReset = false

    func check() throws {
        guard threshold > 0, threshold <= 1 else { throw ValidationError("--threshold must be above 0 and at most 1, found \(threshold)") }
        guard quiet.duration >= .seconds(1) else {
            throw ValidationError("--quiet must be at least 1s, found \(quiet.duration.quantityDescription)")
        }
        guard (1...10_000_000).contains(maxIncidents) else {
            throw ValidationError("--max-incidents must be between 1 and 10000000, found \(maxIncidents)")
        }
        let rate = budget.rate
        guard rate.count >= 1, rate.count <= 100_000, rate.count == rate.count.rounded(), rate.window >= .seconds(1) else {
            throw ValidationError("--budget must be a whole number of posts (1 to 100000) per window of at least 1s, e.g. 17/24h; found \(rate)")
        }
        guard digestInterval.duration >= .seconds(1) else {
            throw ValidationError("--digest-interval must be at least 1s, found \(digestInterval.duration.quantityDescription)")
        }
        guard state != nil || !stateReset else { throw ValidationError("--state-reset needs --state FILE") }
        if let state, state.isEmpty { throw ValidationError("--state needs a file name") }
        _ = try categoryTable()
    }

    func categoryTable() throws -> CategoryTable {
        var table = CategoryTable.standard
        for argument in categories {
            do throws(CategoryTableError) { try table.apply(argument) } catch { throw ValidationError(error.description) }
        }
        return table
    }

    func run() throws {
        var files = AlertConfiguration.Files()
        files.template = template
        files.digestTemplate = digestTemplate
        files.pseudonymKey = pseudonymKey
        files.allowInsecureKeyFile = allowInsecureKeyFile
        let table = try categoryTable()
        let stateOptions = state.map { AlertStateOptions(path: $0, reset: stateReset) }
        let (threshold, quiet, maxIncidents, budget, digest) = (threshold, quiet.duration, maxIncidents, budget.rate, digestInterval.duration)
        let maxLineBytes = common.maxLineBytes.bytes
        StageMain.run(common) { logger in
            var configuration = try AlertConfiguration.loading(files)
            configuration.threshold = threshold
            configuration.quiet = quiet.milliseconds
            configuration.maxIncidents = maxIncidents
            configuration.budgetLimit = Int(budget.count)
            configuration.budgetWindow = budget.window.milliseconds
            configuration.digestInterval = digest.milliseconds
            configuration.categories = table
            return try AlertStage(configuration: configuration, sink: DryRunSink(), state: stateOptions,
                                  maxLineBytes: maxLineBytes, logger: logger)
        }
    }
}

extension Duration {
    /// Whole milliseconds (rounded down).
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
