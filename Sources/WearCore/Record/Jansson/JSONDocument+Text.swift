import CJansson
import Glibc

extension JSONDocument {
    /// Parses a whole JSON text (a config or state file). Duplicate keys are
    /// refused: in a config they are almost always a mistake.
    public static func parse<Bytes: Collection>(_ bytes: Bytes, source: String) throws(JSONDocumentError) -> JSONDocument where Bytes.Element == UInt8 {
        let buffer = Array(bytes)
        var error = json_error_t()
        let handle = buffer.withUnsafeBufferPointer { raw in
            UnsafeRawPointer(raw.baseAddress).map {
                json_loadb($0.assumingMemoryBound(to: CChar.self), raw.count, size_t(JSON_REJECT_DUPLICATES) | size_t(JSON_DECODE_ANY), &error)
            } ?? json_loadb("", 0, size_t(JSON_REJECT_DUPLICATES) | size_t(JSON_DECODE_ANY), &error)
        }
        guard let document = JSONDocument(owning: handle) else {
            throw JSONDocumentError(source: source, error: error)
        }
        return document
    }

    public static func parse(_ text: String, source: String) throws(JSONDocumentError) -> JSONDocument {
        try parse(Array(text.utf8), source: source)
    }

    /// Serialises compactly (no spaces, keys in insertion order) and appends
    /// to `output`. Walks the jansson values itself rather than calling
    /// json_dumps, whose reals are always 17 significant digits
    /// (`0.8` -> `0.80000000000000004`): reals here are the shortest text that
    /// reads back as the same double, and keep a fraction (`3.0`) so they
    /// read back as reals.
    public func dump(into output: ByteBuffer) {
        switch kind {
        case .object:
            output.append(UInt8(ascii: "{"))
            var first = true
            var iterator = json_object_iter(handle)
            while let current = iterator {
                if !first { output.append(UInt8(ascii: ",")) }
                first = false
                output.append(jsonString: UnsafeRawBufferPointer(start: json_object_iter_key(current),
                                                                 count: json_object_iter_key_len(current)))
                output.append(UInt8(ascii: ":"))
                if let value = json_object_iter_value(current) {
                    JSONDocument(borrowing: value).dump(into: output)
                }
                iterator = json_object_iter_next(handle, current)
            }
            output.append(UInt8(ascii: "}"))
        case .array:
            output.append(UInt8(ascii: "["))
            for index in 0..<count {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                self[index]?.dump(into: output)
            }
            output.append(UInt8(ascii: "]"))
        case .string:
            output.append(jsonString: UnsafeRawBufferPointer(start: json_string_value(UnsafePointer(handle)),
                                                             count: json_string_length(UnsafePointer(handle))))
        case .integer:
            output.append(int: Int(integerValue ?? 0))
        case .real:
            let value = numberValue ?? 0
            let text = value.description
            output.append(utf8: text)
            if value.isFinite, !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) {
                output.append(".0")
            }
        case .bool:
            boolValue == true ? output.append("true") : output.append("false")
        case .null:
            output.append("null")
        }
    }

    /// Compact serialisation.
    public func dumpedBytes() -> [UInt8] {
        let output = ByteBuffer(capacity: 256)
        dump(into: output)
        return output.array
    }

    /// Compact serialisation as a String.
    public func dumped() -> String { String(decoding: dumpedBytes(), as: UTF8.self) }

    /// Indented serialisation for files people read (keys files, state).
    public func dumpedPretty() -> String {
        guard let text = json_dumps(handle, wear_json_indent_flag(2) | wear_json_real_precision_flag(17) | size_t(JSON_ENCODE_ANY)) else { return "" }
        defer { free(text) }
        return String(cString: text)
    }
}

/// A JSON text jansson could not parse, with its position.
public struct JSONDocumentError: Error, CustomStringConvertible, Sendable {
    public let source: String
    public let line: Int
    public let column: Int
    public let message: String

    init(source: String, error: json_error_t) {
        self.source = source
        self.line = Int(error.line)
        self.column = Int(error.column)
        var text = error.text
        self.message = withUnsafeBytes(of: &text) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// `FILE:LINE:COL: message`, as the stages print config errors.
    public var description: String { "\(source):\(line):\(column): \(message)" }
}
