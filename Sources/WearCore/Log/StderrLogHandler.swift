import Glibc
import Logging

/// swift-log handler for the stages: one line per message on stderr,
/// `wear-filter: warning: message key=value`, written with one write(2).
public struct StderrLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    private let program: String

    public init(program: String, level: Logger.Level) {
        self.program = program
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var line = "\(program): \(Self.word(for: event.level)): \(event.message)"
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        if !merged.isEmpty {
            line += " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }
        line += "\n"
        // One write(2) when it fits, so lines from several processes sharing
        // stderr do not interleave; a failure has nowhere to be reported.
        _ = WriteAll.write(line, to: STDERR_FILENO)
    }

    static func word(for level: Logger.Level) -> String {
        switch level {
        case .trace: "trace"
        case .debug: "debug"
        case .info: "info"
        case .notice: "notice"
        case .warning: "warning"
        case .error: "error"
        case .critical: "critical"
        }
    }
}
