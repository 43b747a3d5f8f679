import ArgumentParser
import WearCLI
import WearCore
import WearScore

extension NUMAMode: ExpressibleByArgument {}

@main
struct WearScoreCommand: ParsableCommand, CheckedArguments {
    static func main() { wearMain() }

    static let configuration = CommandConfiguration(
        commandName: "wear-score",
        abstract: "Score each device's stream for anomalies: a calibrated score and why.",
        discussion: """
            For every device (--key) and feature (--feature), in event time (rx,
            else ts), wear-score keeps exponentially weighted means and variances
            of the level and of the change from the previous value, the rate of
            repeated values and the current run, and learns how heavy each tail
            is. Each record gets "score", in [0,1]: 1 minus the probability that
            a clean record of that device shows this much evidence, so one
            threshold means the same rarity for every device and feature (about
            1 record in 10,000 is at or above 0.9999 on clean data); null while
            the device warms up (--warmup records). "why" lists the strongest
            tests: [{"feature":"hr","kind":"change","z":7.4}], kind level, change
            or stuck (feature "all": every sensor stuck at once). Tags in
            "flags" (wear-filter's) add evidence. Details: docs/wear-score.md.

            Features: a field name, or NAME=EXPR in the rule language
            (docs/rules.md), at most 8; `dt` is the seconds since the device's
            previous record. Default: hr, spo2, temp, acc_mag=norm(acc),
            gyro_mag=norm(gyro), dt, sz (dt and sz without the stuck test).
            Any NDJSON time series works: --key names the series, --feature its
            values.

            Devices are sharded over --workers threads by a keyed hash of the
            key; a device's records keep their order (all records with
            --ordered). --numa auto pins each worker to one NUMA node's CPUs.

            Examples:
              wear-filter --rules default.rules < plain.ndjson | wear-score
              wear-score --key host --feature cpu --feature 'mem=used/total' \\
                < metrics.ndjson
              wear-score --workers 2 --ordered --metrics-file /run/wear/score.prom
              wear-score --state /var/lib/wear/score.state --state-interval 5m

            State: with --state FILE each device's detectors survive a restart
            (a run split in two gives the scores of one run). The file holds the
            key and the features it was made for; another --key or --feature is
            refused (exit 78) unless --state-reset. Stateful functions in
            --feature expressions (last, delta, ...) start fresh.
            """,
        version: WearVersion.line(program: "wear-score")
    )

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: ArgumentHelp("The top-level string member that names a device (a series).", valueName: "name"))
    var key = "dev"

    @Option(name: .customLong("feature"), help: ArgumentHelp("A feature: a field name, NAME=EXPR, or dt (repeat; at most 8; default: the telemetry's).", valueName: "name[=expr]"))
    var features: [String] = []

    @Option(name: .customLong("no-stuck"), help: ArgumentHelp("No stuck-sensor test for this feature (one whose value repeats by nature; repeat).", valueName: "name"))
    var noStuck: [String] = []

    @Option(name: .long, help: ArgumentHelp("Records of a device before it gets a score.", valueName: "count"))
    var warmup = DetectorParameters().warmup

    @Option(name: .long, help: ArgumentHelp("The probability of one filter flag on a clean record: the evidence a tag adds.", valueName: "p"))
    var flagP = DetectorParameters().flagP

    @Option(name: .long, help: ArgumentHelp("The most devices with state, over all workers (least recently seen evicted).", valueName: "count"))
    var maxDevices = 1_000_000

    @Option(name: .long, help: ArgumentHelp("Worker threads (default: the CPUs this process may use).", valueName: "count"))
    var workers = ShardingOptions.availableCPUs

    @Option(name: .long, help: ArgumentHelp("auto: pin each worker to the CPUs of one NUMA node; off: no pinning.", valueName: "auto|off"))
    var numa = NUMAMode.off

    @Flag(name: .long, help: "Write records in input order (else a device's records keep their order, devices may interleave).")
    var ordered = false

    @Option(name: .long, help: ArgumentHelp("Restore every device's state from this file at start; save it (atomically, mode 0600) at exit, on SIGTERM and every --state-interval.", valueName: "file"))
    var state: String?

    @Option(name: .long, parsing: .unconditional,
            help: .quantity("How often to save --state while running (e.g. 60s, 5m).", valueName: "duration",
                            default: DurationOption(.seconds(60))),
            transform: DurationOption.parse)
    var stateInterval = DurationOption(.seconds(60))

    @Flag(name: .long, help: "Start without the saved state (e.g. after changing --feature); --state is overwritten at the first save.")
    var stateReset = false

    func check() throws {
        guard (1...1_000_000).contains(warmup) else { throw ValidationError("--warmup must be between 1 and 1000000, found \(warmup)") }
        guard flagP > 0, flagP < 1 else { throw ValidationError("--flag-p must be above 0 and below 1, found \(flagP)") }
        guard (1...100_000_000).contains(maxDevices) else {
            throw ValidationError("--max-devices must be between 1 and 100000000, found \(maxDevices)")
        }
        guard (1...1024).contains(workers) else { throw ValidationError("--workers must be between 1 and 1024, found \(workers)") }
        guard !key.isEmpty else { throw ValidationError("--key must name a member") }
        guard stateInterval.duration >= .seconds(1) else {
            throw ValidationError("--state-interval must be at least 1s, found \(stateInterval.duration.quantityDescription)")
        }
        guard state != nil || !stateReset else { throw ValidationError("--state-reset needs --state FILE") }
        if let state, state.isEmpty { throw ValidationError("--state needs a file name") }
        _ = try scoreConfiguration()
    }

    func scoreConfiguration() throws -> ScoreConfiguration {
        do {
            var list = try features.isEmpty ? Feature.telemetry : features.map { argument throws(FeatureError) in try Feature(argument: argument) }
            for name in noStuck {
                guard let index = list.firstIndex(where: { $0.name == name }) else {
                    throw FeatureError("--no-stuck \(name): no such feature (features: \(list.map(\.name).joined(separator: ", ")))")
                }
                list[index].stuck = false
            }
            var parameters = DetectorParameters()
            parameters.warmup = warmup
            parameters.flagP = flagP
            return try ScoreConfiguration(features: list, key: key, parameters: parameters, maxDevices: maxDevices)
        } catch let error as FeatureError {
            throw ValidationError(error.description)
        }
    }

    func run() throws {
        let configuration = try scoreConfiguration()
        var sharding = ShardingOptions(key: key, workers: workers)
        sharding.numa = numa
        sharding.ordered = ordered
        sharding.maxLineBytes = common.maxLineBytes.bytes
        let stateOptions = state.map { ScoreStateOptions(path: $0, interval: stateInterval.duration, reset: stateReset) }
        // A constant copy: capturing the `var` crashes the 6.3 optimiser (an ownership verifier error).
        let options = sharding
        StageMain.run(common) { logger in
            try ScoreStage(configuration: configuration, sharding: options, state: stateOptions, logger: logger)
        }
    }
}
