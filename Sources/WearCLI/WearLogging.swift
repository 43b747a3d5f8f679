import Logging
import WearCore

/// The process's logging: the stderr handler, installed once however many
/// commands or failures ask for a logger (swift-log traps on a second
/// `LoggingSystem.bootstrap`: `wear sim ... --labels /nonexistent/x` died
/// with SIGILL, exit 132).
public enum WearLogging {
    /// Evaluated once per process (Swift's lazy globals are thread-safe).
    private static let installed: Void = {
        LoggingSystem.bootstrap { label in StderrLogHandler(program: label, level: .info) }
    }()

    /// A logger whose lines start with `program:` (e.g. `wear sim: error: ...`).
    public static func logger(program: String, level: Logger.Level = .info) -> Logger {
        _ = installed
        var logger = Logger(label: program)
        logger.logLevel = level
        return logger
    }
}
