/// Process exit statuses (sysexits.h), the same for every binary.
/// A bad record never changes the exit status.
///
/// This file is the one place an error becomes a status: `StageFailure(error)`
/// maps every error the project throws; WearCLI's `wearMain` adds only
/// argument-parser's own (usage, help, version).
public enum ExitStatus: Int32, Sendable {
    case ok = 0
    /// A check the user asked for did not pass (`wear eval --fail-under`).
    case checkFailed = 1
    /// Bad command line.
    case usage = 64
    /// An input or config file is missing.
    case noInput = 66
    /// An error the program did not expect (a bug: please report it).
    case software = 70
    /// Reading or writing failed, or the reader of our output went away.
    case ioError = 74
    /// The peer broke the protocol a connection starts with (wear-decrypt
    /// --proxy-protocol: a missing or malformed PROXY header); nothing it
    /// sent was read as records.
    case protocolError = 76
    /// A config file (rules, keys, templates) is invalid.
    case config = 78
}

/// An error that knows how the process ends because of it.
public protocol ExitStatusError: Error {
    /// The status to exit with and the line to print.
    var failure: StageFailure { get }
}

/// An error that ends a stage before or while it runs, with the status to
/// exit with and one line a person can act on.
public struct StageFailure: ExitStatusError, CustomStringConvertible, Sendable {
    public let status: ExitStatus
    public let message: String
    /// Print nothing (the reader of stdout went away: exit quietly).
    public let quiet: Bool

    public init(status: ExitStatus, message: String, quiet: Bool = false) {
        self.status = status
        self.message = message
        self.quiet = quiet
    }

    /// Any error as a failure: an `ExitStatusError` says its own status
    /// (StageFailure, ConfigError 78, WriteFailure 74, a JSON config that
    /// does not parse 78); anything else is unexpected, 70.
    public init(_ error: any Error) {
        if let known = error as? any ExitStatusError {
            self = known.failure
        } else {
            self.init(status: .software, message: "unexpected error: \(error)")
        }
    }

    public var failure: StageFailure { self }

    public var description: String { message }

    static func output(_ failure: WriteFailure) -> StageFailure { failure.failure }
}

extension WriteFailure: ExitStatusError {
    /// Closed output exits 74 quietly; any other write error says what failed.
    public var failure: StageFailure {
        switch self {
        case .closed: StageFailure(status: .ioError, message: "output closed by the reader", quiet: true)
        case .io: StageFailure(status: .ioError, message: "writing output: \(message)")
        }
    }
}

extension JSONDocumentError: ExitStatusError {
    /// A JSON config file that does not parse: `FILE:LINE:COL: message`, 78.
    public var failure: StageFailure { StageFailure(status: .config, message: description) }
}

/// An invalid config file: `FILE:LINE:COL: what was expected, what was found`.
public struct ConfigError: ExitStatusError, CustomStringConvertible, Sendable {
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
