/// JSON text written straight into a `ByteBuffer`: the one string escaper
/// and number formatter of the project (JSONFieldWriter, JSONDocument's
/// dump, the JWE header and wear-decrypt's `meta` use these).
extension ByteBuffer {
    /// A JSON string literal for UTF-8 bytes: `"`, `\` and control
    /// characters escaped, everything else as is.
    public func append(jsonString bytes: UnsafeRawBufferPointer) {
        reserve(bytes.count + 2)
        append(UInt8(ascii: "\""))
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""): append("\\\"")
            case UInt8(ascii: "\\"): append("\\\\")
            case 0x0A: append("\\n")
            case 0x0D: append("\\r")
            case 0x09: append("\\t")
            case 0..<0x20:
                append("\\u00")
                append(hexDigits[Int(byte >> 4)])
                append(hexDigits[Int(byte & 0xF)])
            default: append(byte)
            }
        }
        append(UInt8(ascii: "\""))
    }

    /// A JSON string literal for `text`.
    public func append(jsonString text: String) {
        var text = text
        text.withUTF8 { append(jsonString: UnsafeRawBufferPointer($0)) }
    }

    /// A JSON number: the shortest text that reads back as the same Double,
    /// integral values without a fraction; null if not finite (JSON has no NaN).
    @inlinable
    public func append(jsonNumber value: Double) {
        guard value.isFinite else {
            append("null")
            return
        }
        if value == value.rounded(.towardZero), abs(value) < 9.007_199_254_740_992e15 {
            append(int: Int(value))
        } else {
            append(utf8: value.description)
        }
    }

    /// A value parsed by simdjson, written back as compact JSON: strings
    /// re-escaped, numbers as parsed, members in document order.
    public func append(json value: JSONValue) {
        switch value.kind {
        case .null: append("null")
        case .bool: value.bool == true ? append("true") : append("false")
        case .int: append(int: Int(value.int64 ?? 0))
        case .uint: append(utf8: String(value.uint64 ?? 0))
        case .double: append(jsonNumber: value.double ?? 0)
        case .string: append(jsonString: value.stringBytes ?? UnsafeRawBufferPointer(start: nil, count: 0))
        case .array:
            append(UInt8(ascii: "["))
            var first = true
            value.forEachElement { element in
                if !first { append(UInt8(ascii: ",")) }
                first = false
                append(json: element)
                return true
            }
            append(UInt8(ascii: "]"))
        case .object:
            append(UInt8(ascii: "{"))
            var first = true
            value.forEachMember { name, member in
                if !first { append(UInt8(ascii: ",")) }
                first = false
                append(jsonString: name)
                append(UInt8(ascii: ":"))
                append(json: member)
                return true
            }
            append(UInt8(ascii: "}"))
        }
    }

    /// `text` as a JSON string literal, in a new array (off the hot path).
    public static func jsonString(_ text: String) -> [UInt8] {
        let buffer = ByteBuffer(capacity: text.utf8.count + 16)
        buffer.append(jsonString: text)
        return buffer.array
    }
}

private let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
