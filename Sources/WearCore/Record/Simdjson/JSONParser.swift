import CSimdjson

/// Validates one JSON text completely (syntax, UTF-8, numbers, control
/// characters) and gives read access to its values, with simdjson.
///
/// One parser per thread; it reuses its buffers, so parsing allocates nothing
/// per record. Values returned by `parse` are valid until the next `parse`.
public final class JSONParser {
    /// Bytes that must be readable after the end of a buffer given to
    /// `parse(padded:)`; `LineReader` guarantees them for every line it yields.
    public static let padding = Int(WEAR_JSON_PADDING)

    private let handle: OpaquePointer
    private var scratch: UnsafeMutableRawBufferPointer
    /// The largest document this parser accepts, in bytes.
    public let capacity: Int

    /// A parser for documents of up to `capacity` bytes.
    public init(capacity: Int) {
        guard let handle = wear_json_parser_new(capacity) else {
            preconditionFailure("out of memory allocating a JSON parser of \(capacity) bytes")
        }
        self.handle = handle
        self.capacity = capacity
        self.scratch = .allocate(byteCount: 4096 + Self.padding, alignment: 64)
    }

    deinit {
        wear_json_parser_free(handle)
        scratch.deallocate()
    }

    /// Parses `bytes`, which must have `JSONParser.padding` readable bytes after its end.
    public func parse(padded bytes: UnsafeRawBufferPointer) -> Result<JSONValue, JSONSyntaxError> {
        var root = wear_json_value()
        let base = bytes.baseAddress?.assumingMemoryBound(to: CChar.self)
        let code = withUnsafeMutablePointer(to: &root) { rootPointer in
            wear_json_parse(handle, base ?? UnsafePointer(emptyPadded), bytes.count, rootPointer)
        }
        guard code == 0 else { return .failure(JSONSyntaxError(code: code)) }
        return .success(JSONValue(raw: root))
    }

    /// `root.hasDuplicateKeys(parsedFrom: text)` for a root this parser
    /// parsed from `text`, faster when roots repeat their names: the parser
    /// remembers the member names (in order) of the last 4 distinct roots it
    /// found free of duplicates, and a root with exactly one of those lists
    /// of names needs no check. Exact: any other root is checked in full.
    public func hasDuplicateKeys(_ root: JSONValue, parsedFrom text: UnsafeRawBufferPointer) -> Bool {
        let nested = JSONValue.mayNest(text)
        return withUnsafePointer(to: root.raw) { wear_json_root_has_duplicate_keys(handle, $0, nested) }
    }

    /// Parses any bytes, copying them into a padded buffer first (off the hot path).
    public func parse<Bytes: Collection>(copying bytes: Bytes) -> Result<JSONValue, JSONSyntaxError> where Bytes.Element == UInt8 {
        let needed = bytes.count + Self.padding
        if scratch.count < needed {
            scratch.deallocate()
            scratch = .allocate(byteCount: needed, alignment: 64)
        }
        let copied = UnsafeMutableRawBufferPointer(rebasing: scratch[0..<bytes.count])
        copied.copyBytes(from: bytes)
        return parse(padded: UnsafeRawBufferPointer(copied))
    }

    /// Parses a string (off the hot path).
    public func parse(copying text: String) -> Result<JSONValue, JSONSyntaxError> {
        parse(copying: Array(text.utf8))
    }
}

/// 64 readable bytes for parsing an empty buffer.
private nonisolated(unsafe) let emptyPadded: UnsafeMutablePointer<CChar> = {
    let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(WEAR_JSON_PADDING))
    pointer.initialize(repeating: 0, count: Int(WEAR_JSON_PADDING))
    return pointer
}()

/// Why a line is not valid JSON.
public struct JSONSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case syntax, utf8, depth, number, capacity, memory, empty, controlCharacter, other
    }

    public let kind: Kind

    init(code: Int32) {
        switch code {
        case Int32(WEAR_JSON_ERR_SYNTAX): kind = .syntax
        case Int32(WEAR_JSON_ERR_UTF8): kind = .utf8
        case Int32(WEAR_JSON_ERR_DEPTH): kind = .depth
        case Int32(WEAR_JSON_ERR_NUMBER): kind = .number
        case Int32(WEAR_JSON_ERR_CAPACITY): kind = .capacity
        case Int32(WEAR_JSON_ERR_MEMORY): kind = .memory
        case Int32(WEAR_JSON_ERR_EMPTY): kind = .empty
        case Int32(WEAR_JSON_ERR_CONTROL): kind = .controlCharacter
        default: kind = .other
        }
    }

    public var description: String {
        switch kind {
        case .syntax, .other: "not valid JSON"
        case .utf8: "invalid UTF-8"
        case .depth: "nested too deeply"
        case .number: "number malformed or out of range"
        case .capacity: "document larger than the parser's capacity"
        case .memory: "out of memory"
        case .empty: "no JSON value"
        case .controlCharacter: "unescaped control character in a string"
        }
    }
}
