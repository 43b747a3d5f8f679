/// One non-blank input line, without its `\n` or `\r\n`.
///
/// `bytes` points into the reader's buffer and is valid until the reader is
/// asked for the next line; `JSONParser.padding` bytes after it are readable.
public struct Line {
    public let bytes: UnsafeRawBufferPointer
    /// Physical line number, 1-based (blank lines count).
    public let number: Int

    public init(bytes: UnsafeRawBufferPointer, number: Int) {
        self.bytes = bytes
        self.number = number
    }
}

/// What a `LineFramer` yields.
public enum LineEvent {
    /// A non-blank line within the length limit.
    case line(Line)
    /// A line longer than the limit: its number and first bytes (at most
    /// `LineFramer.oversizePrefixBytes`); the rest is skipped, never buffered.
    case oversized(number: Int, prefix: [UInt8])
}
