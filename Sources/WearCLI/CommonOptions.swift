import ArgumentParser
import Logging
import WearCore

/// The options every stage takes, declared once and pulled into each
/// command with `@OptionGroup`.
public struct CommonOptions: CheckedArguments {
    @Option(name: .long, help: ArgumentHelp("Read records from PATH (a file or a FIFO) instead of standard input.", valueName: "path"))
    public var input: String?

    @Option(name: .long, help: ArgumentHelp("Append every rejected record to PATH as NDJSON (created mode 0600).", valueName: "path"))
    public var rejects: String?

    @Option(name: .long, parsing: .unconditional,
            help: .quantity("Reject lines longer than this (bytes; KiB and MiB suffixes allowed).", valueName: "size",
                            default: ByteSizeOption(bytes: 1 << 20)),
            transform: ByteSizeOption.parse)
    public var maxLineBytes = ByteSizeOption(bytes: 1 << 20)

    @Flag(name: .long, help: "Write whole lines only, at most 4096 bytes per write (many writers sharing one FIFO); longer output lines are rejected.")
    public var atomicLines = false

    @Option(name: .long, help: ArgumentHelp("Write Prometheus metrics to PATH (atomic rename) every interval and at exit.", valueName: "path"))
    public var metricsFile: String?

    @Option(name: .long, parsing: .unconditional,
            help: .quantity("How often to write --metrics-file (e.g. 10s, 500ms, 1m).", valueName: "duration",
                            default: DurationOption(.seconds(10))),
            transform: DurationOption.parse)
    public var metricsInterval = DurationOption(.seconds(10))

    @Option(name: .long, help: ArgumentHelp("trace, debug, info, notice, warning, error or critical.", valueName: "level"))
    public var logLevel: LogLevelOption = LogLevelOption(.info)

    public init() {}

    public func check() throws {
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
