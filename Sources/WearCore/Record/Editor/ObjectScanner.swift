/// Where one top-level member of a JSON object line lies, in byte offsets
/// into the line: the name between its quotes, and the value.
struct MemberSpan {
    /// The name's bytes as written, without the quotes.
    var name: Range<Int>
    /// True when the name has a backslash escape (compare it decoded).
    var nameIsEscaped: Bool
    /// The value's bytes, from its first to its last byte.
    var value: Range<Int>
}

/// Finds the top-level members of a JSON object line by scanning its bytes:
/// strings are skipped by their quotes, arrays and objects by depth. The
/// line should have been validated (the runner does); a line that is not an
/// object, or is cut short, gives false instead of trapping.
enum ObjectScanner {
    /// Appends the members of `text` to `spans` in document order, and
    /// returns the offset of the object's closing `}`; nil when `text` does
    /// not start with one JSON object.
    static func scan(_ text: UnsafeRawBufferPointer, into spans: inout [MemberSpan]) -> Int? {
        var index = skipWhitespace(text, from: 0)
        guard index < text.count, text[index] == UInt8(ascii: "{") else { return nil }
        index = skipWhitespace(text, from: index + 1)
        guard index < text.count else { return nil }
        if text[index] == UInt8(ascii: "}") { return index }
        while true {
            guard index < text.count, text[index] == UInt8(ascii: "\"") else { return nil }
            let nameStart = index + 1
            guard let (nameEnd, escaped) = endOfString(text, from: nameStart) else { return nil }
            index = skipWhitespace(text, from: nameEnd + 1)
            guard index < text.count, text[index] == UInt8(ascii: ":") else { return nil }
            let valueStart = skipWhitespace(text, from: index + 1)
            guard let valueEnd = endOfValue(text, from: valueStart) else { return nil }
            spans.append(MemberSpan(name: nameStart..<nameEnd, nameIsEscaped: escaped, value: valueStart..<valueEnd))
            index = skipWhitespace(text, from: valueEnd)
            guard index < text.count else { return nil }
            if text[index] == UInt8(ascii: "}") { return index }
            guard text[index] == UInt8(ascii: ",") else { return nil }
            index = skipWhitespace(text, from: index + 1)
        }
    }

    /// The offset of the quote that ends the string whose contents start at
    /// `start`, and whether it has escapes.
    static func endOfString(_ text: UnsafeRawBufferPointer, from start: Int) -> (Int, Bool)? {
        var index = start
        var escaped = false
        while index < text.count {
            switch text[index] {
            case UInt8(ascii: "\""): return (index, escaped)
            case UInt8(ascii: "\\"):
                escaped = true
                index += 2
            default: index += 1
            }
        }
        return nil
    }

    /// The offset just after the value starting at `start`.
    static func endOfValue(_ text: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard start < text.count else { return nil }
        switch text[start] {
        case UInt8(ascii: "\""):
            return endOfString(text, from: start + 1).map { $0.0 + 1 }
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var index = start
            while index < text.count {
                switch text[index] {
                case UInt8(ascii: "\""):
                    guard let (end, _) = endOfString(text, from: index + 1) else { return nil }
                    index = end
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return index + 1 }
                default: break
                }
                index += 1
            }
            return nil
        default:
            var index = start
            while index < text.count {
                switch text[index] {
                case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D: return index
                default: index += 1
                }
            }
            return nil
        }
    }

    static func skipWhitespace(_ text: UnsafeRawBufferPointer, from start: Int) -> Int {
        var index = start
        while index < text.count, isWhitespace(text[index]) { index += 1 }
        return index
    }

    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    /// The JSON type of the value whose first byte is `byte` (for messages).
    static func kind(startingWith byte: UInt8) -> JSONValue.Kind {
        switch byte {
        case UInt8(ascii: "\""): .string
        case UInt8(ascii: "{"): .object
        case UInt8(ascii: "["): .array
        case UInt8(ascii: "t"), UInt8(ascii: "f"): .bool
        case UInt8(ascii: "n"): .null
        default: .double
        }
    }
}
