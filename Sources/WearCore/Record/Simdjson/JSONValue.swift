import Glibc
import CSimdjson

/// A read-only view of one value in a document parsed by `JSONParser`.
///
/// Valid until its parser parses again or is released: never store one
/// beyond the record being processed, and keep the `JSONParser` alive while
/// using it (a value does not retain its parser: that would cost a
/// retain/release per field read on the hot path). Field and element look-ups are linear in the object or
/// array size, which for telemetry records (a dozen members) is cheapest.
public struct JSONValue {
    var raw: wear_json_value

    /// The JSON type of a value; numbers keep their parsed representation.
    public enum Kind: Sendable, Equatable {
        case null, bool, int, uint, double, string, array, object

        /// The JSON name with its article, for messages: "a number", "an array".
        public var article: String {
            switch self {
            case .null: "null"
            case .bool: "a boolean"
            case .int, .uint, .double: "a number"
            case .string: "a string"
            case .array: "an array"
            case .object: "an object"
            }
        }
    }

    public var kind: Kind {
        switch raw.type {
        case WEAR_JSON_NULL.rawValue: .null
        case WEAR_JSON_BOOL.rawValue: .bool
        case WEAR_JSON_INT64.rawValue: .int
        case WEAR_JSON_UINT64.rawValue: .uint
        case WEAR_JSON_DOUBLE.rawValue: .double
        case WEAR_JSON_STRING.rawValue: .string
        case WEAR_JSON_ARRAY.rawValue: .array
        default: .object
        }
    }

    public var isObject: Bool { raw.type == WEAR_JSON_OBJECT.rawValue }
    public var isArray: Bool { raw.type == WEAR_JSON_ARRAY.rawValue }
    public var isNull: Bool { raw.type == WEAR_JSON_NULL.rawValue }
    /// A member slot that `wear_json_object_fill` found no member for
    /// (`ExprProgram.read` of an absent member); a JSON null is not absent.
    public var isAbsentMember: Bool { raw.type == WEAR_JSON_NULL.rawValue && raw.number.u64 == 1 }
    public var isNumber: Bool {
        raw.type == WEAR_JSON_INT64.rawValue || raw.type == WEAR_JSON_UINT64.rawValue || raw.type == WEAR_JSON_DOUBLE.rawValue
    }

    /// The value of a JSON `true`/`false`.
    public var bool: Bool? { raw.type == WEAR_JSON_BOOL.rawValue ? raw.number.b : nil }

    /// Any JSON number as a Double (integers above 2^53 lose precision).
    public var double: Double? {
        switch raw.type {
        case WEAR_JSON_INT64.rawValue: Double(raw.number.i64)
        case WEAR_JSON_UINT64.rawValue: Double(raw.number.u64)
        case WEAR_JSON_DOUBLE.rawValue: raw.number.f64
        default: nil
        }
    }

    /// An integral JSON number that fits Int64 (`3.0` is not integral here: JSON
    /// writers that mean an integer write one).
    public var int64: Int64? {
        switch raw.type {
        case WEAR_JSON_INT64.rawValue: raw.number.i64
        case WEAR_JSON_UINT64.rawValue: raw.number.u64 <= UInt64(Int64.max) ? Int64(raw.number.u64) : nil
        default: nil
        }
    }

    /// A non-negative integral JSON number.
    public var uint64: UInt64? {
        switch raw.type {
        case WEAR_JSON_INT64.rawValue: raw.number.i64 >= 0 ? UInt64(raw.number.i64) : nil
        case WEAR_JSON_UINT64.rawValue: raw.number.u64
        default: nil
        }
    }

    /// The unescaped UTF-8 bytes of a string, valid until the next parse.
    public var stringBytes: UnsafeRawBufferPointer? {
        guard raw.type == WEAR_JSON_STRING.rawValue else { return nil }
        return UnsafeRawBufferPointer(start: raw.str, count: raw.str_len)
    }

    /// A string value, copied into a Swift String.
    public var string: String? {
        stringBytes.map { String(decoding: $0, as: UTF8.self) }
    }

    /// True when this is a string equal to `text` (no copy).
    public func stringEquals(_ text: UnsafeRawBufferPointer) -> Bool {
        guard let bytes = stringBytes, bytes.count == text.count else { return false }
        return bytes.count == 0 || memcmp(bytes.baseAddress!, text.baseAddress!, bytes.count) == 0
    }

    /// Members of an object or elements of an array; 0 for scalars.
    public var count: Int {
        withUnsafePointer(to: raw) { Int(wear_json_count($0)) }
    }

    /// The first member named `key` of an object; for literal keys (the hot
    /// path's look-ups) without building a String or a closure.
    @inline(__always)
    public subscript(key: StaticString) -> JSONValue? {
        guard key.hasPointerRepresentation else {
            return key.withUTF8Buffer { member(UnsafeRawBufferPointer($0)) }
        }
        return member(UnsafeRawBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
    }

    /// The first member named `key` of an object, for names known only at
    /// run time (the subscript takes literals, without a String).
    public func member(named key: String) -> JSONValue? {
        var key = key
        return key.withUTF8 { member(UnsafeRawBufferPointer($0)) }
    }

    /// The first member whose name is the UTF-8 bytes `key`.
    public func member(_ key: UnsafeRawBufferPointer) -> JSONValue? {
        guard raw.type == WEAR_JSON_OBJECT.rawValue else { return nil }
        var out = wear_json_value()
        guard let base = key.baseAddress else {
            return withUnsafePointer(to: raw) { object in
                wear_json_object_get(object, "", 0, &out)
            } ? JSONValue(raw: out) : nil
        }
        let found = withUnsafePointer(to: raw) { object in
            wear_json_object_get(object, base.assumingMemoryBound(to: CChar.self), key.count, &out)
        }
        return found ? JSONValue(raw: out) : nil
    }

    /// Element `index` of an array.
    public subscript(index: Int) -> JSONValue? {
        guard index >= 0, raw.type == WEAR_JSON_ARRAY.rawValue else { return nil }
        var out = wear_json_value()
        let found = withUnsafePointer(to: raw) { wear_json_array_at($0, index, &out) }
        return found ? JSONValue(raw: out) : nil
    }

    /// True when an object, or an object nested in it, has two members with
    /// the same name (a parser differential: different readers would see
    /// different values).
    public var hasDuplicateKeys: Bool {
        withUnsafePointer(to: raw) { wear_json_object_has_duplicate_keys($0, true) }
    }

    /// `hasDuplicateKeys` for the root object parsed from `text`, faster: the
    /// nested objects are only walked when `text` has a `{` after the root's
    /// own (every nested object has one; a `{` inside a string only costs the
    /// walk). Telemetry records have none, so they skip walking `acc`/`gyro`.
    public func hasDuplicateKeys(parsedFrom text: UnsafeRawBufferPointer) -> Bool {
        let nested = Self.mayNest(text)
        return withUnsafePointer(to: raw) { wear_json_object_has_duplicate_keys($0, nested) }
    }

    /// False when `text` has no `{` after its first: its root object (if
    /// that is what it holds) has no object inside it.
    @inline(__always)
    static func mayNest(_ text: UnsafeRawBufferPointer) -> Bool {
        guard let base = text.baseAddress, let first = memchr(base, Int32(UInt8(ascii: "{")), text.count) else {
            return true
        }
        let after = base.distance(to: first) + 1
        return memchr(base + after, Int32(UInt8(ascii: "{")), text.count - after) != nil
    }

    /// Calls `body` with each member name (UTF-8 bytes) and value, in document
    /// order, until it returns false.
    public func forEachMember(_ body: (UnsafeRawBufferPointer, JSONValue) -> Bool) {
        withoutActuallyEscaping(body) { body in
            var visitor = Visitor(body: body)
            withUnsafePointer(to: raw) { object in
                withUnsafeMutablePointer(to: &visitor) { context in
                    wear_json_object_foreach(object, { context, key, keyLength, value in
                        let visitor = context!.assumingMemoryBound(to: Visitor.self)
                        return visitor.pointee.body(UnsafeRawBufferPointer(start: key, count: keyLength), JSONValue(raw: value!.pointee))
                    }, context)
                }
            }
        }
    }

    /// Calls `body` with each element of an array until it returns false.
    public func forEachElement(_ body: (JSONValue) -> Bool) {
        withoutActuallyEscaping({ (_: UnsafeRawBufferPointer, value: JSONValue) in body(value) }) { body in
            var visitor = Visitor(body: body)
            withUnsafePointer(to: raw) { array in
                withUnsafeMutablePointer(to: &visitor) { context in
                    wear_json_array_foreach(array, { context, _, _, value in
                        let visitor = context!.assumingMemoryBound(to: Visitor.self)
                        return visitor.pointee.body(UnsafeRawBufferPointer(start: nil, count: 0), JSONValue(raw: value!.pointee))
                    }, context)
                }
            }
        }
    }

    private struct Visitor {
        let body: (UnsafeRawBufferPointer, JSONValue) -> Bool
    }
}
