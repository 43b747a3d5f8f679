import WearCore

/// Where the simulator writes its lines: `FileDescriptorWriter` for stdout,
/// `MemorySink` in tests.
public protocol LineSink: AnyObject {
    func appendLine(_ line: UnsafeRawBufferPointer) throws(WriteFailure)
}

extension FileDescriptorWriter: LineSink {}

/// Told before each line is written: drives the progress line and
/// `--realtime` pacing in the command; does nothing in tests.
public protocol SimObserver {
    /// `eventTime` is the line's receive time (ms since the epoch), `lines` how many came before it.
    mutating func willEmit(eventTime: Int64, lines: Int) throws(WriteFailure)
    /// True when the run should stop before the next record (SIGTERM/SIGINT).
    var stopRequested: Bool { get }
}

extension SimObserver {
    public var stopRequested: Bool { false }
}

/// An observer that does nothing.
public struct SilentObserver: SimObserver {
    public init() {}
    @inline(__always) public mutating func willEmit(eventTime: Int64, lines: Int) throws(WriteFailure) {}
}
