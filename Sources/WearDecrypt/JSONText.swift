import WearCore

/// Writes a parsed (simdjson) value back as compact JSON text: how the
/// envelope's unauthenticated members travel under `meta`. Strings are
/// re-escaped, numbers keep their parsed value, members keep their order.
enum JSONText {
    static func append(_ value: JSONValue, to out: inout [UInt8]) {
        switch value.kind {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool: out.append(contentsOf: (value.bool == true ? "true" : "false").utf8)
        case .int: out.append(contentsOf: String(value.int64 ?? 0).utf8)
        case .uint: out.append(contentsOf: String(value.uint64 ?? 0).utf8)
        case .double: JSONFieldWriter.appendNumber(value.double ?? 0, to: &out)
        case .string: appendString(value.stringBytes ?? UnsafeRawBufferPointer(start: nil, count: 0), to: &out)
        case .array:
            out.append(UInt8(ascii: "["))
            var first = true
            value.forEachElement { element in
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                append(element, to: &out)
                return true
            }
            out.append(UInt8(ascii: "]"))
        case .object:
            out.append(UInt8(ascii: "{"))
            var first = true
            value.forEachMember { name, member in
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                appendString(name, to: &out)
                out.append(UInt8(ascii: ":"))
                append(member, to: &out)
                return true
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// A JSON string literal for UTF-8 bytes: `"`, `\` and control characters escaped.
    static func appendString(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                out.append(UInt8(ascii: "\\"))
                out.append(byte)
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20, 0x7F:
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                        hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
