import CWearBuild
import Glibc

/// How a `StageRunner` reads, writes and reports: the common options every
/// stage takes (see WearCLI's `CommonOptions`).
public struct RunnerOptions: Sendable {
    public var input: InputSource = .standardInput
    public var rejectsPath: String?
    /// Lines longer than this are rejected as `line_too_long` (default 1 MiB).
    public var maxLineBytes = 1 << 20
    public var metricsPath: String?
    public var metricsInterval: Duration = .seconds(10)
    /// Whole lines per write, each write at most PIPE_BUF bytes.
    public var atomicLines = false
    public var outputFD: Int32 = STDOUT_FILENO
    /// How long, after end of input or SIGTERM/SIGINT, a `BatchStage`'s
    /// records in flight are waited for; then they are rejected as `drain_timeout`.
    public var drainTimeout: Duration = .seconds(30)
    /// A `BatchStageRunner` stops reading input while this many records are in flight.
    public var maxRecordsInFlight = 1 << 16
    /// Version string for `wear_stage_info`.
    public var version = WearVersion.current

    public init() {}
}

/// The product's version and the git commit it was built from, printed by
/// `--version` and exported in `wear_stage_info` (an image's rollback
/// story needs to know exactly what runs).
public enum WearVersion {
    public static let current = "0.1.0"
    /// Short commit hash ("-dirty" with uncommitted changes) or "unknown": stamped by the build (see Package.swift).
    public static let commit = String(cString: wear_build_commit())

    /// What `--version` prints: `wear-decrypt 0.1.0 (abc1234)`.
    public static func line(program: String) -> String { "\(program) \(current) (\(commit))" }
}
