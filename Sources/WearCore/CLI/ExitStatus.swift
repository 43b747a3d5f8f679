/// Process exit statuses (sysexits.h), the same for every stage.
/// A bad record never changes the exit status.
public enum ExitStatus: Int32, Sendable {
    case ok = 0
    /// Bad command line.
    case usage = 64
    /// An input or config file is missing.
    case noInput = 66
    /// Reading or writing failed, or the reader of our output went away.
    case ioError = 74
    /// A config file (rules, keys, templates) is invalid.
    case config = 78
}

/// An error that ends a stage before or while it runs, with the status to
/// exit with and one line a person can act on.
public struct StageFailure: Error, CustomStringConvertible, Sendable {
    public let status: ExitStatus
    public let message: String
    /// Print nothing (the reader of stdout went away: exit quietly).
    public let quiet: Bool

    public init(status: ExitStatus, message: String, quiet: Bool = false) {
        self.status = status
        self.message = message
        self.quiet = quiet
    }

    public var description: String { message }

    static func output(_ failure: WriteFailure) -> StageFailure {
        switch failure {
        case .closed: StageFailure(status: .ioError, message: "output closed by the reader", quiet: true)
        case .io: StageFailure(status: .ioError, message: "writing output: \(failure.message)")
        }
    }
}

/// An invalid config file: `FILE:LINE:COL: what was expected, what was found`.
public struct ConfigError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let line: Int
    public let column: Int
    public let message: String

    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "\(file):\(line):\(column): \(message)" }

    public var failure: StageFailure { StageFailure(status: .config, message: description) }
}
