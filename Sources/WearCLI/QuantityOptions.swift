import ArgumentParser
import WearCore

// Command-line faces of WearCore's quantities (Sources/WearCore/Quantity):
// the parsing and its messages live there, shared with the rule language.
// Declare such an option with `transform: DurationOption.parse` so a bad
// value says what was wrong: argument-parser's `init?(argument:)` can only
// say "invalid"; `ArgumentHelp.quantity` puts the default back in the help.

/// A `--max-line-bytes`-style option: `4096`, `64KiB`, `1MiB`.
public struct ByteSizeOption: ExpressibleByArgument, Sendable, Equatable {
    public let size: ByteSize
    public var bytes: Int { size.bytes }

    public init(bytes: Int) { size = ByteSize(bytes: bytes) }

    public init?(argument: String) {
        guard let size = try? ByteSize(parsing: argument) else { return nil }
        self.size = size
    }

    /// For `@Option(transform:)`: the value, or an error saying what a size looks like.
    @Sendable public static func parse(_ text: String) throws -> ByteSizeOption {
        ByteSizeOption(bytes: try ByteSize(parsing: text).bytes)
    }

    public var defaultValueDescription: String { size.description }
}

/// A `--duration`-style option: `500ms`, `10s`, `5m`, `2h`, `1d`.
public struct DurationOption: ExpressibleByArgument, Sendable, Equatable {
    public let duration: Duration

    public init(_ duration: Duration) { self.duration = duration }

    public init?(argument: String) {
        guard let duration = try? Duration(parsing: argument) else { return nil }
        self.duration = duration
    }

    @Sendable public static func parse(_ text: String) throws -> DurationOption {
        DurationOption(try Duration(parsing: text))
    }

    public var defaultValueDescription: String { duration.quantityDescription }
}

/// A `--budget`-style option: `5/s`, `17/24h`.
public struct RateOption: ExpressibleByArgument, Sendable, Equatable {
    public let rate: Rate

    public init(_ rate: Rate) { self.rate = rate }

    public init?(argument: String) {
        guard let rate = try? Rate(parsing: argument) else { return nil }
        self.rate = rate
    }

    @Sendable public static func parse(_ text: String) throws -> RateOption {
        RateOption(try Rate(parsing: text))
    }

    public var defaultValueDescription: String { rate.description }
}

extension ArgumentHelp {
    /// Help for an option parsed with `transform:`, which argument-parser
    /// shows without its default: the abstract with `(default: ...)` added.
    public static func quantity(_ abstract: String, valueName: String, default value: some ExpressibleByArgument) -> ArgumentHelp {
        ArgumentHelp("\(abstract) (default: \(value.defaultValueDescription))", valueName: valueName)
    }
}
