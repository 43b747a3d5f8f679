import CJansson

/// A JSON document built, edited, loaded or dumped with jansson (the
/// customer's library): configs, state files, rejects, receipts.
///
/// Owns one reference to a `json_t` and releases it in `deinit`. Not for the
/// per-record hot path (see `JSONParser`), and never shared between threads:
/// jansson's reference counts are not atomic.
public final class JSONDocument {
    let handle: UnsafeMutablePointer<json_t>

    /// Takes ownership of a new reference; nil when jansson returned NULL.
    init?(owning handle: UnsafeMutablePointer<json_t>?) {
        guard let handle else { return nil }
        self.handle = handle
    }

    /// Shares a borrowed reference (increments the count).
    init(borrowing handle: UnsafeMutablePointer<json_t>) {
        self.handle = wear_json_incref(handle)
    }

    deinit { wear_json_decref(handle) }

    private static func make(_ handle: UnsafeMutablePointer<json_t>?) -> JSONDocument {
        guard let document = JSONDocument(owning: handle) else {
            preconditionFailure("jansson: out of memory")
        }
        return document
    }

    // MARK: construction

    public static func object() -> JSONDocument { make(json_object()) }
    public static func array() -> JSONDocument { make(json_array()) }
    public static func null() -> JSONDocument { make(json_null()) }
    public static func bool(_ value: Bool) -> JSONDocument { make(value ? json_true() : json_false()) }
    public static func integer(_ value: Int64) -> JSONDocument { make(json_integer(json_int_t(value))) }
    /// A real number; jansson cannot hold NaN or infinities, which become null.
    public static func real(_ value: Double) -> JSONDocument {
        value.isFinite ? make(json_real(value)) : null()
    }
    /// A string; invalid UTF-8 in `bytes` is replaced by U+FFFD.
    public static func string<Bytes: Collection>(bytes: Bytes) -> JSONDocument where Bytes.Element == UInt8 {
        let text = String(decoding: bytes, as: UTF8.self)
        return text.withCString { pointer in
            make(json_stringn(pointer, text.utf8.count))
        }
    }
    public static func string(_ text: String) -> JSONDocument { string(bytes: text.utf8) }

    // MARK: kind and scalar values

    public enum Kind: Sendable, Equatable { case object, array, string, integer, real, bool, null }

    public var kind: Kind {
        switch wear_json_typeof(handle) {
        case Int32(JSON_OBJECT.rawValue): .object
        case Int32(JSON_ARRAY.rawValue): .array
        case Int32(JSON_STRING.rawValue): .string
        case Int32(JSON_INTEGER.rawValue): .integer
        case Int32(JSON_REAL.rawValue): .real
        case Int32(JSON_TRUE.rawValue), Int32(JSON_FALSE.rawValue): .bool
        default: .null
        }
    }

    public var stringValue: String? {
        guard kind == .string, let text = json_string_value(UnsafePointer(handle)) else { return nil }
        let length = json_string_length(UnsafePointer(handle))
        return String(decoding: UnsafeRawBufferPointer(start: text, count: length), as: UTF8.self)
    }

    public var integerValue: Int64? {
        kind == .integer ? Int64(json_integer_value(UnsafePointer(handle))) : nil
    }

    /// Integers and reals as a Double.
    public var numberValue: Double? {
        switch kind {
        case .integer, .real: json_number_value(UnsafePointer(handle))
        default: nil
        }
    }

    public var boolValue: Bool? {
        switch wear_json_typeof(handle) {
        case Int32(JSON_TRUE.rawValue): true
        case Int32(JSON_FALSE.rawValue): false
        default: nil
        }
    }

    // MARK: objects

    /// The member `key` of an object.
    public subscript(key: String) -> JSONDocument? {
        guard kind == .object, let member = json_object_get(UnsafePointer(handle), key) else { return nil }
        return JSONDocument(borrowing: member)
    }

    /// Sets (replacing) member `key`; keys keep their insertion order.
    public func set(_ key: String, _ value: JSONDocument) {
        precondition(kind == .object, "set(_:_:) on a JSON \(kind)")
        _ = key.withCString { pointer in
            json_object_setn(handle, pointer, key.utf8.count, value.handle)
        }
    }

    public func set(_ key: String, _ value: String) { set(key, .string(value)) }
    public func set(_ key: String, _ value: Int64) { set(key, .integer(value)) }
    public func set(_ key: String, _ value: Int) { set(key, .integer(Int64(value))) }
    public func set(_ key: String, _ value: Double) { set(key, .real(value)) }
    public func set(_ key: String, _ value: Bool) { set(key, .bool(value)) }

    /// Members in order, for objects; empty otherwise.
    public var members: [(key: String, value: JSONDocument)] {
        guard kind == .object else { return [] }
        var result: [(key: String, value: JSONDocument)] = []
        var iterator = json_object_iter(handle)
        while let current = iterator {
            let key = String(decoding: UnsafeRawBufferPointer(start: json_object_iter_key(current),
                                                              count: json_object_iter_key_len(current)), as: UTF8.self)
            if let value = json_object_iter_value(current) {
                result.append((key, JSONDocument(borrowing: value)))
            }
            iterator = json_object_iter_next(handle, current)
        }
        return result
    }

    // MARK: arrays

    public var count: Int {
        switch kind {
        case .array: json_array_size(UnsafePointer(handle))
        case .object: json_object_size(UnsafePointer(handle))
        default: 0
        }
    }

    public subscript(index: Int) -> JSONDocument? {
        guard kind == .array, index >= 0, let element = json_array_get(UnsafePointer(handle), index) else { return nil }
        return JSONDocument(borrowing: element)
    }

    public func append(_ value: JSONDocument) {
        precondition(kind == .array, "append(_:) on a JSON \(kind)")
        json_array_append(handle, value.handle)
    }

    public var elements: [JSONDocument] { (0..<(kind == .array ? count : 0)).compactMap { self[$0] } }
}
