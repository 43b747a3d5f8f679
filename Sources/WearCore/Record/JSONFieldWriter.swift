/// Appends members to a JSON object line without re-serialising the members
/// it already has: the original bytes up to the closing `}` (and the
/// whitespace before it), then
/// `,"key":value` for each new member, then `}`.
///
/// This is how a stage adds what it computes (`rx`, `flags`, `score`) while
/// passing every field it does not own through byte for byte. Member names
/// are literals, written as they are (they must not need escaping). The
/// line lives in a reused `ByteBuffer`: nothing is allocated per line once
/// the buffer has grown to the longest line.
public struct JSONFieldWriter {
    /// The line being built; copies of a writer share it.
    public let buffer: ByteBuffer
    @usableFromInline var needsComma = false

    public init(buffer: ByteBuffer = ByteBuffer(capacity: 512)) {
        self.buffer = buffer
    }

    /// The line built so far (valid until the next `begin`).
    public var bytes: UnsafeRawBufferPointer { buffer.bytes }

    /// Starts a new line from a validated JSON object line; false when `line`
    /// does not end with `}` (not an object).
    @inlinable
    public mutating func begin(object line: UnsafeRawBufferPointer) -> Bool {
        buffer.removeAll()
        var close = line.count - 1
        while close >= 0, Self.isWhitespace(line[close]) { close -= 1 }
        guard close >= 0, line[close] == UInt8(ascii: "}") else { return false }
        var previous = close - 1
        while previous >= 0, Self.isWhitespace(line[previous]) { previous -= 1 }
        needsComma = previous >= 0 && line[previous] != UInt8(ascii: "{")
        // Whitespace before the closing brace is not part of any member: dropped.
        buffer.append(UnsafeRawBufferPointer(rebasing: line[0..<(previous + 1)]))
        return true
    }

    /// Starts a new, empty object.
    @inlinable
    public mutating func beginEmptyObject() {
        buffer.removeAll()
        buffer.append(UInt8(ascii: "{"))
        needsComma = false
    }

    /// Closes the object; `bytes` is then one complete line (without `\n`).
    @inlinable
    public mutating func end() {
        buffer.append(UInt8(ascii: "}"))
    }

    @inlinable @inline(__always)
    mutating func key(_ name: StaticString) {
        buffer.append(needsComma ? ",\"" : "\"")
        needsComma = true
        buffer.append(name)
        buffer.append("\":")
    }

    @inlinable
    public mutating func field(_ name: StaticString, _ value: String) {
        key(name)
        buffer.append(jsonString: value)
    }

    @inlinable
    public mutating func field(_ name: StaticString, _ value: Int64) {
        key(name)
        buffer.append(int: Int(value))
    }

    @inlinable
    public mutating func field(_ name: StaticString, _ value: Int) {
        key(name)
        buffer.append(int: value)
    }

    /// A number; NaN and infinities (not JSON) are written as null.
    @inlinable
    public mutating func field(_ name: StaticString, _ value: Double) {
        key(name)
        buffer.append(jsonNumber: value)
    }

    @inlinable
    public mutating func field(_ name: StaticString, _ value: Bool) {
        key(name)
        value ? buffer.append("true") : buffer.append("false")
    }

    @inlinable
    public mutating func fieldNull(_ name: StaticString) {
        key(name)
        buffer.append("null")
    }

    /// A member whose value is already valid JSON text (a sub-document's raw bytes).
    @inlinable
    public mutating func field(_ name: StaticString, rawJSON: UnsafeRawBufferPointer) {
        key(name)
        buffer.append(rawJSON)
    }

    /// A member whose value is already valid JSON text.
    @inlinable
    public mutating func field(_ name: StaticString, rawJSON: [UInt8]) {
        key(name)
        buffer.append(rawJSON)
    }

    @inlinable @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }
}
