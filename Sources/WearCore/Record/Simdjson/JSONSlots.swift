import CSimdjson

/// A fixed array of `JSONValue`s that a compiled program fills once per
/// record (the expression language's field slots), and the member tables
/// that fill many of them in one pass over an object.
///
/// Like `JSONValue`, the values are valid until their parser parses again.
/// Not thread-safe; owned by one `ExprProgram`.
public final class JSONSlots {
    /// How many values.
    public let count: Int
    let values: UnsafeMutablePointer<wear_json_value>

    /// `count` values, all null.
    public init(count: Int) {
        self.count = count
        values = .allocate(capacity: max(count, 1))
        values.initialize(repeating: wear_json_value(), count: max(count, 1))
    }

    deinit { values.deallocate() }

    /// Value `index` (null when absent).
    @inline(__always)
    public subscript(index: Int) -> JSONValue { JSONValue(raw: values[index]) }

    /// Sets value `index`.
    @inline(__always)
    public func set(_ index: Int, _ value: JSONValue) { values[index] = value.raw }

    /// Sets value `index` to null (absent).
    @inline(__always)
    public func clear(_ index: Int) { values[index].type = WEAR_JSON_NULL.rawValue }

    /// Fills the slots of `table` from the members of `object`, in one pass:
    /// the first member of each name; absent names (or a non-object) read
    /// null. `numbers[slot]` gets each slot's `number(slot)`.
    @inline(__always)
    public func fill(from object: JSONValue, _ table: JSONMemberTable, numbers: UnsafeMutablePointer<Double>) {
        generation &+= 1
        if generation == 0 { restartGenerations() }
        withUnsafePointer(to: object.raw) { wear_json_object_fill($0, table.table, values, numbers, generation) }
    }

    /// What `wear_json_object_fill` marks the slots it fills with (in their
    /// `reserved`): new per call, so the slots need no clearing first.
    private var generation: UInt32 = 0

    /// After 2^32 fills: every slot's mark back to 0, the next call's is 1.
    private func restartGenerations() {
        for index in 0..<max(count, 1) { values[index].reserved = 0 }
        generation = 1
    }

    /// Sets slot `index` to element `element` of the array in slot `parent`
    /// (null if none), and `numbers[index]` to its `number(index)`.
    public func fill(_ index: Int, element: Int, of parent: Int, numbers: UnsafeMutablePointer<Double>) {
        var out = wear_json_value()
        let found = withUnsafePointer(to: values[parent]) { wear_json_array_at($0, element, &out) }
        values[index] = found ? out : wear_json_value()
        numbers[index] = number(index)
    }

    /// Value `index` as a Double when it is a JSON number, else NaN (missing).
    @inline(__always)
    public func number(_ index: Int) -> Double {
        let value = values[index]
        switch value.type {
        case WEAR_JSON_INT64.rawValue: return Double(value.number.i64)
        case WEAR_JSON_UINT64.rawValue: return Double(value.number.u64)
        case WEAR_JSON_DOUBLE.rawValue: return value.number.f64
        default: return .nan
        }
    }

    /// True when value `index` is JSON `true`.
    @inline(__always)
    public func isTrue(_ index: Int) -> Bool {
        values[index].type == WEAR_JSON_BOOL.rawValue && values[index].number.b
    }

    /// True when value `index` is present and not null.
    @inline(__always)
    public func exists(_ index: Int) -> Bool { values[index].type != WEAR_JSON_NULL.rawValue }

    /// The bytes of value `index` when it is a string.
    @inline(__always)
    public func stringBytes(_ index: Int) -> UnsafeRawBufferPointer? {
        let value = values[index]
        guard value.type == WEAR_JSON_STRING.rawValue else { return nil }
        return UnsafeRawBufferPointer(start: value.str, count: value.str_len)
    }

    /// UTF-8 bytes of the string, or elements of the array, in slot `index`; else NaN.
    public func length(_ index: Int) -> Double {
        switch values[index].type {
        case WEAR_JSON_STRING.rawValue: return Double(values[index].str_len)
        case WEAR_JSON_ARRAY.rawValue: return Double(self[index].count)
        default: return .nan
        }
    }

    /// sqrt of the sum of squares of the array in slot `index`; NaN when it
    /// is not an array, is empty, or holds anything but numbers.

    public func norm(_ index: Int) -> Double {
        var sum = 0.0
        let ok = withUnsafePointer(to: values[index]) { wear_json_array_sum_of_squares($0, &sum) }
        return ok ? sum.squareRoot() : .nan
    }
}

/// The member names a program reads from one object, each with the slot it
/// fills: an open-addressing table probed by `wear_json_object_fill` (at
/// most a quarter full, so a member the program does not read usually costs
/// one probe of an empty entry). Built once, at compile time.
public final class JSONMemberTable {
    let table: UnsafeMutablePointer<wear_json_member_table>
    private let entries: UnsafeMutablePointer<wear_json_member_name>
    private let slots: UnsafeMutablePointer<UInt32>
    private let names: UnsafeMutableRawPointer
    /// The names, in the order given.
    public let memberNames: [String]

    /// A table filling `slot` from the member `name`, for each pair (distinct names).
    public init(_ members: [(name: String, slot: Int)]) {
        memberNames = members.map(\.name)
        var size = 16
        while size < 4 * members.count { size <<= 1 }
        entries = .allocate(capacity: size)
        entries.initialize(repeating: wear_json_member_name(head: 0, length: UInt32.max, slot: 0, name: nil), count: size)
        slots = .allocate(capacity: max(members.count, 1))
        let total = members.reduce(0) { $0 + $1.name.utf8.count + 1 }
        names = .allocate(byteCount: max(total, 1), alignment: 8)
        var offset = 0
        for (position, member) in members.enumerated() {
            let bytes = Array(member.name.utf8)
            let start = names + offset
            bytes.withUnsafeBytes { start.copyMemory(from: $0.baseAddress ?? UnsafeRawPointer(start), byteCount: bytes.count) }
            offset += bytes.count + 1
            var head: UInt64 = 0
            for (index, byte) in bytes.prefix(8).enumerated() { head |= UInt64(byte) << (8 * UInt64(index)) }
            var index = Int(wear_json_name_hash(head, bytes.count)) & (size - 1)
            while entries[index].length != UInt32.max { index = (index + 1) & (size - 1) }
            entries[index] = wear_json_member_name(head: head, length: UInt32(bytes.count), slot: UInt32(member.slot),
                                                   name: start.assumingMemoryBound(to: CChar.self))
            slots[position] = UInt32(member.slot)
        }
        table = .allocate(capacity: 1)
        table.initialize(to: wear_json_member_table(entries: entries, mask: size - 1, slots: slots, count: members.count))
    }

    deinit {
        table.deallocate()
        entries.deallocate()
        slots.deallocate()
        names.deallocate()
    }
}
