/// Counters and conveniences of `BoundedMap`: keys as `[UInt8]` or `String`
/// (off the hot path; those look-ups borrow the bytes, they don't copy them).
extension BoundedMap {
    public typealias Counters = BoundedMapCounters

    public var counters: Counters {
        Counters(hits: hits, misses: misses, evictions: evictions, count: count, capacity: capacity)
    }

    /// Bytes the map has allocated now: table, entries, values and inline
    /// keys (out-of-line keys, those longer than `inlineKeyBytes`, come on top).
    /// Grows with the entries, to at most `bytesPerEntry` × `capacity`.
    public var footprintBytes: Int {
        (mask + 1) * MemoryLayout<UInt64>.stride + allocated * Self.bytesPerEntry(inlineKeyBytes: inlineKeyBytes, tableSlots: 0)
    }

    /// Bytes per entry: its bookkeeping (32), the value's stride, the inline key
    /// slot, and `tableSlots` 8-byte table slots (2 to 4 per entry: the table
    /// is the power of two at least twice the capacity).
    public static func bytesPerEntry(inlineKeyBytes: Int = 32, tableSlots: Int = 2) -> Int {
        MemoryLayout<Entry>.stride + MemoryLayout<Value>.stride + ((inlineKeyBytes + 7) & ~7) + tableSlots * 8
    }

    public func value(forKey key: [UInt8]) -> Value? {
        key.withUnsafeBytes { value(forKey: $0) }
    }

    public func value(forKey key: String) -> Value? {
        var key = key
        return key.withUTF8 { value(forKey: UnsafeRawBufferPointer($0)) }
    }

    @discardableResult
    public func insert(_ value: Value, forKey key: [UInt8]) -> Value? {
        key.withUnsafeBytes { insert(value, forKey: $0) }
    }

    @discardableResult
    public func insert(_ value: Value, forKey key: String) -> Value? {
        var key = key
        return key.withUTF8 { insert(value, forKey: UnsafeRawBufferPointer($0)) }
    }

    @discardableResult
    public func removeValue(forKey key: [UInt8]) -> Value? {
        key.withUnsafeBytes { removeValue(forKey: $0) }
    }

    /// The keys, most recently seen first.
    public var keysByRecency: [[UInt8]] {
        var keys: [[UInt8]] = []
        keys.reserveCapacity(count)
        forEach { key, _ in keys.append(Array(key)) }
        return keys
    }
}

/// A snapshot of a `BoundedMap`'s counters, for metrics and logs.
public struct BoundedMapCounters: Sendable, Equatable {
    public var hits: Int
    public var misses: Int
    public var evictions: Int
    public var count: Int
    public var capacity: Int

    public init(hits: Int, misses: Int, evictions: Int, count: Int, capacity: Int) {
        self.hits = hits
        self.misses = misses
        self.evictions = evictions
        self.count = count
        self.capacity = capacity
    }
}
