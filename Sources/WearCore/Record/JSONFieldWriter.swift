/// Appends members to a JSON object line without re-serialising the members
/// it already has: the original bytes up to the closing `}`, then
/// `,"key":value` for each new member, then `}`.
///
/// This is how a stage adds what it computes (`rx`, `flags`, `score`) while
/// passing every field it does not own through byte for byte.
public struct JSONFieldWriter {
    public private(set) var bytes: [UInt8] = []
    private var needsComma = false

    /// An empty writer; allocates nothing until the first `begin`, and keeps
    /// its buffer from line to line after that.
    public init() {}

    /// Starts a new line from a validated JSON object line; false when `line`
    /// does not end with `}` (not an object).
    public mutating func begin(object line: UnsafeRawBufferPointer) -> Bool {
        bytes.removeAll(keepingCapacity: true)
        var close = line.count - 1
        while close >= 0, Self.isWhitespace(line[close]) { close -= 1 }
        guard close >= 0, line[close] == UInt8(ascii: "}") else { return false }
        var previous = close - 1
        while previous >= 0, Self.isWhitespace(line[previous]) { previous -= 1 }
        needsComma = previous >= 0 && line[previous] != UInt8(ascii: "{")
        bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: line[0..<close]))
        return true
    }

    /// Starts a new, empty object.
    public mutating func beginEmptyObject() {
        bytes.removeAll(keepingCapacity: true)
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    /// Closes the object; `bytes` is then one complete line (without `\n`).
    public mutating func end() {
        bytes.append(UInt8(ascii: "}"))
    }

    private mutating func key(_ name: String) {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        needsComma = true
        Self.appendString(name, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
    }

    public mutating func field(_ name: String, _ value: String) {
        key(name)
        Self.appendString(value, to: &bytes)
    }

    public mutating func field(_ name: String, _ value: Int64) {
        key(name)
        bytes.append(contentsOf: String(value).utf8)
    }

    public mutating func field(_ name: String, _ value: Int) { field(name, Int64(value)) }

    /// A number; NaN and infinities (not JSON) are written as null.
    public mutating func field(_ name: String, _ value: Double) {
        key(name)
        Self.appendNumber(value, to: &bytes)
    }

    public mutating func field(_ name: String, _ value: Bool) {
        key(name)
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    public mutating func fieldNull(_ name: String) {
        key(name)
        bytes.append(contentsOf: "null".utf8)
    }

    /// A member whose value is already valid JSON text (a sub-document's raw bytes).
    public mutating func field(_ name: String, rawJSON: UnsafeRawBufferPointer) {
        key(name)
        bytes.append(contentsOf: rawJSON)
    }

    /// A member whose value is already valid JSON text.
    public mutating func field(_ name: String, rawJSON: [UInt8]) {
        key(name)
        bytes.append(contentsOf: rawJSON)
    }

    // MARK: JSON text helpers

    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    /// Appends a JSON string literal: `"`, `\` and control characters escaped.
    public static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                        hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Appends a JSON number (shortest text that reads back as the same
    /// Double; integral values without a fraction); null if not finite.
    public static func appendNumber(_ value: Double, to out: inout [UInt8]) {
        guard value.isFinite else {
            out.append(contentsOf: "null".utf8)
            return
        }
        if value == value.rounded(.towardZero), abs(value) < 9.007_199_254_740_992e15 {
            out.append(contentsOf: String(Int64(value)).utf8)
        } else {
            out.append(contentsOf: value.description.utf8)
        }
    }
}
