import ArgumentParser
import WearCLI
import WearCore
import WearJOSE
import WearTools

struct SimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Simulate a fleet of wearables, with labelled attacks.",
        discussion: """
            Writes NDJSON to standard output, ordered by the edge's receive time:
            sealed envelopes {"jwe":"<compact JWE>","rx":<ms>} (the default; needs
            --master-key, or --keys), or with --plain the telemetry records themselves.
            The key fixes the algorithm: derived keys seal A256GCM; --enc A128GCM
            needs --keys with a 16-byte key for every device (`wear keys new --enc
            A128GCM --fleet N --out FILE` makes them). The same
            options and --seed give byte-identical output and labels.

            Attacks (--attack TYPE[:FRACTION], repeatable, or --attacks all[:FRACTION]):
            \(AttackKind.allCases.map { "  " + $0.name + String(repeating: " ", count: max(1, 16 - $0.name.count)) + $0.summary }.joined(separator: "\n"))

            A type with a FRACTION attacks that share of the fleet; the others split
            2 % of the fleet (at least one each). bad_key and bit_flip need sealed
            output; `--attacks all --plain` leaves them out. Without --attack or
            --attacks the fleet is clean. --labels writes one line per attack.

            Examples:
              wear sim --devices 1000 --duration 10m --attacks all \\
                --master-key master.key --labels labels.ndjson > fleet.ndjson
              wear sim --plain --devices 10 --duration 1m --seed 7 | head
              wear sim --plain --attack hr_spike:0.1 --attack flood > fleet.ndjson
              wear sim --realtime --master-key m.key | wear-decrypt --master-key m.key
              wear keys new --enc A128GCM --fleet 100 --out k128.json
              wear sim --devices 100 --enc A128GCM --keys k128.json \\
                | wear-decrypt --keys k128.json
            """
    )

    @Option(parsing: .unconditional, help: "Fleet size: devices wr-000001 ... (1 to 9999999).")
    var devices = 100

    @Option(parsing: .unconditional,
            help: .quantity("Simulated time span (e.g. 90s, 10m, 2h).", valueName: "duration", default: DurationOption(.seconds(600))),
            transform: DurationOption.parse)
    var duration = DurationOption(.seconds(600))

    @Option(parsing: .unconditional,
            help: .quantity("Mean time between a device's records; each gap varies by ±10 %.", valueName: "duration",
                            default: DurationOption(.seconds(1))),
            transform: DurationOption.parse)
    var interval = DurationOption(.seconds(1))

    @Option(parsing: .unconditional,
            help: ArgumentHelp("Event time of the start: ms (or s, if below 10^11) since the epoch, or 'now'.", valueName: "epoch"))
    var start = "1763700000000"

    @Option(parsing: .unconditional, help: "Seed of every random choice: the same seed gives the same bytes.")
    var seed: UInt64 = 1

    @Option(name: .customLong("attack"), help: ArgumentHelp("Inject attack TYPE, on FRACTION of the devices (e.g. hr_spike:0.05 or hr_spike:5%). Repeatable.", valueName: "type[:fraction]"))
    var attack: [String] = []

    @Option(help: ArgumentHelp("Inject every attack type; FRACTION is the share of the fleet they split (default 0.02).", valueName: "all[:fraction]"))
    var attacks: String?

    @Flag(help: "Write plaintext telemetry instead of sealed envelopes.")
    var plain = false

    @Option(help: ArgumentHelp("The fleet's master key (from `wear keys new`); needed unless --plain.", valueName: "file"))
    var masterKey: String?

    @Option(help: ArgumentHelp("keys.json of explicit device keys, instead of --master-key (needed for A128GCM).", valueName: "file"))
    var keys: String?

    @Flag(help: "Accept a key file that group or others can read.")
    var allowInsecureKeyFile = false

    @Option(help: ArgumentHelp("Content encryption: A256GCM, or A128GCM with 16-byte keys from --keys.", valueName: "enc"))
    var enc = "A256GCM"

    @Option(help: ArgumentHelp("Write the ground truth to FILE: NDJSON, one line per attack.", valueName: "file"))
    var labels: String?

    @Flag(help: "Pace output by event time (one simulated second per second).")
    var realtime = false

    func run() throws {
        var config = SimConfig()
        do {
            config = try makeConfig()
        } catch {
            throw ValidationError(error.message)
        }
        var runner = SimRunner(config: config)
        runner.masterKeyPath = masterKey
        runner.keysPath = keys
        runner.allowInsecureKeyFile = allowInsecureKeyFile
        runner.labelsPath = labels
        runner.realtime = realtime
        do {
            let summary = try runner.run()
            if let signal = summary.interrupted {
                let labelsNote = labels.map { ", their labels in \($0)" } ?? ""
                WearLogging.logger(program: "wear sim").notice("\(signal): stopped after \(summary.lines) whole lines\(labelsNote)")
            }
        } catch {
            ProcessExit.fail(error, program: "wear sim")
        }
    }

    private func makeConfig() throws(SimConfigError) -> SimConfig {
        var config = SimConfig()
        config.devices = devices
        config.durationMs = Int64(duration.duration.milliseconds)
        config.intervalMs = interval.duration.milliseconds
        config.startMs = try StartTime.parse(start)
        config.seed = seed
        config.plain = plain
        guard let encryption = ContentEncryption(rawValue: enc.uppercased()) else {
            throw SimConfigError("--enc must be A256GCM or A128GCM, found '\(enc)'")
        }
        config.enc = encryption
        for request in attack { try config.attacks.add(request) }
        if let attacks {
            try config.attacks.addAll(attacks)
            if plain {
                let dropped = config.attacks.removeEnvelopeAttacks()
                if !dropped.isEmpty {
                    WearLogging.logger(program: "wear sim").notice("--plain: leaving out \(dropped.map(\.name).joined(separator: " and ")), which need envelopes")
                }
            }
        }
        // Ranges first: a bad --devices must not hide behind a missing key option.
        try config.validate()
        if !plain, masterKey != nil, keys != nil {
            throw SimConfigError("give one of --master-key FILE and --keys FILE")
        }
        if !plain, masterKey == nil, keys == nil {
            throw SimConfigError("sealed output needs --master-key FILE (make one with `wear keys new --out FILE`), "
                                 + "--keys FILE, or --plain")
        }
        if !plain, masterKey != nil, encryption != .a256gcm {
            throw SimConfigError("--enc \(encryption.rawValue) needs 16-byte keys from --keys: keys derived from --master-key "
                                 + "are 32 bytes and seal only A256GCM; make them with "
                                 + "`wear keys new --enc A128GCM --fleet \(devices) --out keys128.json`")
        }
        return config
    }
}

extension Duration {
    /// The duration in milliseconds, fractional.
    var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
