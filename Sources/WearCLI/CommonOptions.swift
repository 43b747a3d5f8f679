import ArgumentParser
import Logging
import WearCore

/// The options every stage takes, declared once and pulled into each
/// command with `@OptionGroup`.
public struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Read records from PATH (a file or a FIFO) instead of standard input.", valueName: "path"))
    public var input: String?

    @Option(name: .long, help: ArgumentHelp("Append every rejected record to PATH as NDJSON (created mode 0600).", valueName: "path"))
    public var rejects: String?

    @Option(name: .long, help: ArgumentHelp("Reject lines longer than this (bytes; KiB and MiB suffixes allowed).", valueName: "size"))
    public var maxLineBytes: ByteSize = ByteSize(bytes: 1 << 20)

    @Flag(name: .long, help: "Write whole lines only, at most 4096 bytes per write (many writers sharing one FIFO); longer output lines are rejected.")
    public var atomicLines = false

    @Option(name: .long, help: ArgumentHelp("Write Prometheus metrics to PATH (atomic rename) every interval and at exit.", valueName: "path"))
    public var metricsFile: String?

    @Option(name: .long, help: ArgumentHelp("How often to write --metrics-file (e.g. 10s, 500ms, 1m).", valueName: "duration"))
    public var metricsInterval: DurationOption = DurationOption(.seconds(10), text: "10s")

    @Option(name: .long, help: ArgumentHelp("trace, debug, info, notice, warning, error or critical.", valueName: "level"))
    public var logLevel: LogLevelOption = LogLevelOption(.info)

    public init() {}

    public func validate() throws {
        guard maxLineBytes.bytes >= 16 else {
            throw ValidationError("--max-line-bytes must be at least 16 bytes, found \(maxLineBytes.bytes)")
        }
        guard maxLineBytes.bytes <= 1 << 30 else {
            throw ValidationError("--max-line-bytes must be at most 1GiB, found \(maxLineBytes.bytes)")
        }
        guard metricsInterval.duration >= .milliseconds(10) else {
            throw ValidationError("--metrics-interval must be at least 10ms")
        }
    }

    /// The runner's options from the command line.
    public var runnerOptions: RunnerOptions {
        var options = RunnerOptions()
        options.input = InputSource(argument: input)
        options.rejectsPath = rejects
        options.maxLineBytes = maxLineBytes.bytes
        options.atomicLines = atomicLines
        options.metricsPath = metricsFile
        options.metricsInterval = metricsInterval.duration
        return options
    }
}

/// A size in bytes: `4096`, `64KiB`, `1MiB`, `1GiB` (also `KB`/`MB` as powers of 1000).
public struct ByteSize: ExpressibleByArgument, Sendable, Equatable {
    public let bytes: Int

    public init(bytes: Int) { self.bytes = bytes }

    public init?(argument: String) {
        let units: [(String, Int)] = [("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30),
                                      ("KB", 1000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("B", 1)]
        var number = Substring(argument)
        var scale = 1
        for (suffix, factor) in units where argument.hasSuffix(suffix) {
            number = argument.dropLast(suffix.count)
            scale = factor
            break
        }
        guard let value = Int(number), value >= 0, value <= Int.max / scale else { return nil }
        bytes = value * scale
    }

    public var defaultValueDescription: String {
        bytes % (1 << 20) == 0 ? "\(bytes >> 20)MiB" : bytes % 1024 == 0 ? "\(bytes >> 10)KiB" : "\(bytes)"
    }
}

/// A duration: `500ms`, `10s`, `5m`, `2h`, `1d`.
public struct DurationOption: ExpressibleByArgument, Sendable {
    public let duration: Duration
    private let text: String

    public init(_ duration: Duration, text: String) {
        self.duration = duration
        self.text = text
    }

    public init?(argument: String) {
        let units: [(String, Duration)] = [("ms", .milliseconds(1)), ("s", .seconds(1)), ("m", .seconds(60)),
                                           ("h", .seconds(3600)), ("d", .seconds(86400))]
        for (suffix, unit) in units where argument.hasSuffix(suffix) {
            guard let value = Double(argument.dropLast(suffix.count)), value.isFinite, value >= 0, value < 1e9 else {
                return nil
            }
            self.init(unit * value, text: argument)
            return
        }
        return nil
    }

    public var defaultValueDescription: String { text }
}

/// A swift-log level by name.
public struct LogLevelOption: ExpressibleByArgument, Sendable {
    public let level: Logger.Level

    public init(_ level: Logger.Level) { self.level = level }

    public init?(argument: String) {
        guard let level = Logger.Level(rawValue: argument.lowercased()) else { return nil }
        self.level = level
    }

    public var defaultValueDescription: String { level.rawValue }

    public static var allValueStrings: [String] { Logger.Level.allCases.map(\.rawValue) }
}
