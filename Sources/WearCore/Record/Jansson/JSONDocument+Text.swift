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
                json_loadb($0.assumingMemoryBound(to: CChar.self), raw.count, size_t(JSON_REJECT_DUPLICATES), &error)
            } ?? json_loadb("", 0, size_t(JSON_REJECT_DUPLICATES), &error)
        }
        guard let document = JSONDocument(owning: handle) else {
            throw JSONDocumentError(source: source, error: error)
        }
        return document
    }

    public static func parse(_ text: String, source: String) throws(JSONDocumentError) -> JSONDocument {
        try parse(Array(text.utf8), source: source)
    }

    /// Serialises compactly (no spaces, keys in insertion order) and appends to `output`.
    public func dump(into output: inout [UInt8]) {
        withUnsafeMutablePointer(to: &output) { pointer in
            _ = json_dump_callback(handle, { buffer, size, context in
                guard let buffer, let context else { return -1 }
                let output = context.assumingMemoryBound(to: [UInt8].self)
                output.pointee.append(contentsOf: UnsafeRawBufferPointer(start: buffer, count: size))
                return 0
            }, pointer, compactFlags)
        }
    }

    /// Compact serialisation.
    public func dumpedBytes() -> [UInt8] {
        var output: [UInt8] = []
        dump(into: &output)
        return output
    }

    /// Compact serialisation as a String.
    public func dumped() -> String { String(decoding: dumpedBytes(), as: UTF8.self) }

    /// Indented serialisation for files people read (keys files, state).
    public func dumpedPretty() -> String {
        guard let text = json_dumps(handle, wear_json_indent_flag(2) | wear_json_real_precision_flag(17)) else { return "" }
        defer { free(text) }
        return String(cString: text)
    }
}

/// JSON_COMPACT keeps one line; 17 digits round-trip every double.
private let compactFlags = size_t(JSON_COMPACT) | wear_json_real_precision_flag(17)

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
