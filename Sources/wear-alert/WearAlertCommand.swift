import ArgumentParser
import Glibc
import WearCLI
import WearCore
import WearAlert
import WearAlertX

/// Where posts go: `stdout`, the dry run; `x`, the X API through `--outbox`.
enum SinkKind: String, ExpressibleByArgument, CaseIterable {
    case stdout
    case x
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

            --sink x posts to X (POST <--x-api-base>/2/tweets): each post is
            written and fsynced into --outbox DIR (required, locked: one process
            per outbox) before it is sent, and removed once X has it; 429 waits
            for the reset, 5xx and network errors back off, 401/403 keep the post
            (receipt "failed"). Posts an earlier run left go first. At end of
            input it delivers for up to --drain-timeout, then exits 0 and says
            how many stay pending for the next start. Credentials come from the
            environment only: X_API_KEY, X_API_SECRET, X_ACCESS_TOKEN and
            X_ACCESS_TOKEN_SECRET (OAuth 1.0a user context), or X_BEARER_TOKEN.

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
              X_BEARER_TOKEN=... wear-alert --sink x --outbox /var/lib/wear/outbox \\
                --state /var/lib/wear/alert.state --drain-timeout 1m

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

    @Option(name: .long, help: ArgumentHelp("Where posts go: stdout, the dry run (receipts show the text), or x (needs --outbox and credentials in the environment).", valueName: "sink"))
    var sink = SinkKind.stdout

    @Option(name: .long, help: ArgumentHelp("--sink x: the outbox directory (created 0700, locked); every post is fsynced here before it is sent.", valueName: "dir"))
    var outbox: String?

    @Option(name: .customLong("x-api-base"), help: ArgumentHelp("--sink x: the X API base (https; plain http only for loopback).", valueName: "url"))
    var xAPIBase = XClient.defaultAPIBase

    @Option(name: .long, parsing: .unconditional,
            help: .quantity("--sink x: at end of input, how long to keep delivering before exiting (the rest stays in --outbox).",
                            valueName: "duration", default: DurationOption(.seconds(30))),
            transform: DurationOption.parse)
    var drainTimeout = DurationOption(.seconds(30))

    @Option(name: .long, parsing: .unconditional,
            help: .quantity("--sink x: the longest one request to X may take.", valueName: "duration",
                            default: DurationOption(.seconds(30))),
            transform: DurationOption.parse)
    var requestTimeout = DurationOption(.seconds(30))

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
        switch sink {
        case .x:
            guard let outbox, !outbox.isEmpty else {
                throw ValidationError("--sink x needs --outbox DIR (where posts wait, fsynced, until X has them)")
            }
        case .stdout:
            let xOnly = [(outbox != nil, "--outbox"), (xAPIBase != XClient.defaultAPIBase, "--x-api-base")]
            if let (_, name) = xOnly.first(where: \.0) { throw ValidationError("\(name) is for --sink x (the sink is stdout)") }
        }
        guard drainTimeout.duration >= .zero, drainTimeout.duration <= .seconds(86_400) else {
            throw ValidationError("--drain-timeout must be between 0s and 24h, found \(drainTimeout.duration.quantityDescription)")
        }
        guard requestTimeout.duration >= .milliseconds(100), requestTimeout.duration <= .seconds(600) else {
            throw ValidationError("--request-timeout must be between 100ms and 10m, found \(requestTimeout.duration.quantityDescription)")
        }
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
        let load = { () throws -> AlertConfiguration in
            var configuration = try AlertConfiguration.loading(files)
            configuration.threshold = threshold
            configuration.quiet = quiet.milliseconds
            configuration.maxIncidents = maxIncidents
            configuration.budgetLimit = Int(budget.count)
            configuration.budgetWindow = budget.window.milliseconds
            configuration.digestInterval = digest.milliseconds
            configuration.categories = table
            return configuration
        }
        switch sink {
        case .stdout:
            StageMain.run(common) { logger in
                try AlertStage(configuration: try load(), sink: DryRunSink(), state: stateOptions,
                               maxLineBytes: maxLineBytes, logger: logger)
            }
        case .x:
            let options = XSink.Options(outbox: outbox ?? "", apiBase: xAPIBase, drainTimeout: drainTimeout.duration,
                                        requestTimeout: requestTimeout.duration)
            StageMain.run(common) { logger in
                // Configuration and credentials first: a refusal then leaves the outbox untouched.
                let configuration = try load()
                let credentials = try XCredentials.fromEnvironment(Self.credentialEnvironment())
                return try AlertStage(configuration: configuration, sink: XSink(options, credentials: credentials, logger: logger),
                                      state: stateOptions, maxLineBytes: maxLineBytes, logger: logger)
            }
        }
    }

    /// The X credential variables that are set (values never leave the sink's client).
    static func credentialEnvironment() -> [String: String] {
        var environment: [String: String] = [:]
        for name in XCredentials.oauth1Variables + [XCredentials.bearerVariable] {
            if let value = getenv(name) { environment[name] = String(cString: value) }
        }
        return environment
    }
}

extension Duration {
    /// Whole milliseconds (rounded down).
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
