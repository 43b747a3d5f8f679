import WearCore

/// Collects lines in memory, newline-terminated.
public final class MemorySink: LineSink {
    public private(set) var bytes: [UInt8] = []
    public private(set) var lineCount = 0

    public init() {}

    public func appendLine(_ line: UnsafeRawBufferPointer) throws(WriteFailure) {
        bytes.append(contentsOf: line)
        bytes.append(UInt8(ascii: "\n"))
        lineCount += 1
    }

    /// The lines, without newlines.
    public var lines: [[UInt8]] {
        bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast().map(Array.init)
    }
}
