import Glibc

/// A map from byte-string keys (a device id, an encoded JWE header, as the
/// bytes appear in the record) to values of any type, holding at most
/// `capacity` entries: inserting into a full map evicts the entry seen least
/// recently. Every look-up is counted (hits, misses) and so is every eviction.
///
/// Made for per-device state on the hot path (wear-decrypt's key caches,
/// wear-filter's `--max-keys`, wear-score's `--max-devices`):
///
/// - a look-up hashes the key (seeded, 16 bytes per step), probes an
///   open-addressing table (linear probing, at most half full; each slot is
///   a 32-bit hash tag and an entry index, so a probe rarely leaves the
///   table), compares the key with one `memcmp`, and moves the entry to the
///   front of an intrusive recency list (indices, not pointers). It
///   allocates nothing; the key is only borrowed.
/// - an insert copies the key into the entry's inline slot (`inlineKeyBytes`,
///   default 32), or into its own allocation when it is longer; removal uses
///   backward-shift deletion, so there are no tombstones and probe runs stay
///   short however long the map lives.
/// - storage grows by doubling, up to `capacity`, as entries are added
///   (so a large bound costs nothing until a fleet fills it; per entry see
///   `bytesPerEntry`, measured by bench/collections/run.sh, figures in docs/benchmarks.md).
///
/// Keys may be any bytes of any length (hostile ones included): the seed is
/// random per map, so colliding keys cannot be prepared in advance.
/// Not thread-safe; one per thread (or per shard).
public final class BoundedMap<Value> {
    /// The most entries the map holds.
    public let capacity: Int
    /// Keys up to this many bytes live inside the entry; longer ones are allocated on insert.
    public let inlineKeyBytes: Int
    /// When true, a removed or evicted value's memory is zeroed (for key material).
    public let wipesRemovedValues: Bool

    /// Entries held now.
    public var count: Int { liveCount }
    /// Look-ups that found their key.
    public var hits: Int { hitCount }
    /// Look-ups that did not.
    public var misses: Int { missCount }
    /// Entries dropped to make room for new ones.
    public var evictions: Int { evictionCount }

    // Unchecked exclusivity, as in ByteBuffer: inlined into other modules,
    // each access to a class's stored property otherwise costs a dynamic
    // check (swift_beginAccess: +400 instructions per wear-decrypt record,
    // +3%, in callgrind). No method holds an access across a call that could
    // reach the same map: `make` and `body` of `withValue` must not use it.
    @exclusivity(unchecked) @usableFromInline var liveCount = 0
    @exclusivity(unchecked) @usableFromInline var hitCount = 0
    @exclusivity(unchecked) @usableFromInline var missCount = 0
    @exclusivity(unchecked) @usableFromInline var evictionCount = 0

    @exclusivity(unchecked) @usableFromInline var entries: UnsafeMutablePointer<Entry>
    @exclusivity(unchecked) @usableFromInline var values: UnsafeMutablePointer<Value>
    @exclusivity(unchecked) @usableFromInline var keyArena: UnsafeMutableRawPointer
    /// 0: empty; else `tag << 32 | (index + 1)`.
    @exclusivity(unchecked) @usableFromInline var table: UnsafeMutablePointer<UInt64>
    @exclusivity(unchecked) @usableFromInline var mask: Int
    /// Entries with storage: `allocated <= capacity`.
    @exclusivity(unchecked) @usableFromInline var allocated: Int
    @usableFromInline let seed: UInt64
    /// Most and least recently seen entries (-1: none); free entries chain through `next`.
    @exclusivity(unchecked) @usableFromInline var head: Int32 = -1
    @exclusivity(unchecked) @usableFromInline var tail: Int32 = -1
    @exclusivity(unchecked) @usableFromInline var free: Int32 = -1
    /// Entries never used yet: `used..<capacity`.
    @exclusivity(unchecked) @usableFromInline var used = 0

    /// An entry's bookkeeping: 32 bytes. `key` is nil for a key stored
    /// inline (in `keyArena`); `keyCount` is -1 for a free entry.
    @usableFromInline
    struct Entry {
        @usableFromInline var key: UnsafeMutableRawPointer?
        @usableFromInline var hash: UInt64
        @usableFromInline var keyCount: Int32
        @usableFromInline var prev: Int32
        @usableFromInline var next: Int32

        @inlinable
        init(key: UnsafeMutableRawPointer?, hash: UInt64, keyCount: Int32, prev: Int32, next: Int32) {
            self.key = key
            self.hash = hash
            self.keyCount = keyCount
            self.prev = prev
            self.next = next
        }
    }

    /// An empty map for at most `capacity` entries (at least 1, at most 2^30).
    public init(capacity: Int, inlineKeyBytes: Int = 32, wipesRemovedValues: Bool = false,
                seed: UInt64 = UInt64.random(in: .min ... .max)) {
        self.capacity = min(max(capacity, 1), 1 << 30)
        self.inlineKeyBytes = (max(inlineKeyBytes, 0) + 7) & ~7
        self.wipesRemovedValues = wipesRemovedValues
        self.seed = seed
        allocated = min(self.capacity, 16)
        mask = Self.tableSize(for: allocated) - 1
        table = .allocate(capacity: mask + 1)
        table.initialize(repeating: 0, count: mask + 1)
        entries = .allocate(capacity: allocated)
        values = .allocate(capacity: allocated)
        keyArena = .allocate(byteCount: max(allocated * self.inlineKeyBytes, 1), alignment: 8)
    }

    /// The power of two at least twice `entries` (the table stays at most half full).
    @usableFromInline
    static func tableSize(for entries: Int) -> Int {
        var size = 8
        while size < 2 * entries { size <<= 1 }
        return size
    }

    deinit {
        removeAll()
        table.deallocate()
        entries.deallocate()
        values.deallocate()
        keyArena.deallocate()
    }

    /// The value for `key`, marking it seen (a counted hit or miss).
    @inlinable
    public func value(forKey key: UnsafeRawBufferPointer) -> Value? {
        let hash = BoundedMapHash.hash(key, seed: seed)
        guard let index = find(key, hash: hash).index else {
            missCount &+= 1
            return nil
        }
        hitCount &+= 1
        touch(index)
        return values[Int(index)]
    }

    /// Runs `body` on the value for `key` in place, inserting `make()` first
    /// when the key is absent (a miss; it may evict). One probe either way.
    @inlinable
    public func withValue<R>(forKey key: UnsafeRawBufferPointer, insertingIfAbsent make: () -> Value,
                             _ body: (inout Value) throws -> R) rethrows -> R {
        let hash = BoundedMapHash.hash(key, seed: seed)
        let found = find(key, hash: hash)
        let index: Int32
        if let existing = found.index {
            hitCount &+= 1
            touch(existing)
            index = existing
        } else {
            missCount &+= 1
            index = add(make(), key: key, hash: hash, slot: found.slot).index
        }
        return try body(&values[Int(index)])
    }

    /// Sets the value for `key` and marks it most recently seen. Returns the
    /// value that left the map: the key's previous value, or the evicted
    /// least recently seen entry's (so a caller can recycle what it holds).
    /// Not counted as a look-up.
    @inlinable @discardableResult
    public func insert(_ value: Value, forKey key: UnsafeRawBufferPointer) -> Value? {
        let hash = BoundedMapHash.hash(key, seed: seed)
        let found = find(key, hash: hash)
        if let existing = found.index {
            touch(existing)
            return swap(&values[Int(existing)], value)
        }
        return add(value, key: key, hash: hash, slot: found.slot).evicted
    }

    /// Removes `key`'s entry; returns its value. Not counted as a look-up.
    @inlinable @discardableResult
    public func removeValue(forKey key: UnsafeRawBufferPointer) -> Value? {
        guard let index = find(key, hash: BoundedMapHash.hash(key, seed: seed)).index else { return nil }
        let value = (values + Int(index)).move()
        release(index)
        return value
    }

    /// Removes the least recently seen entry (counted as an eviction) and
    /// returns its value: to make room ahead of an insert and recycle what
    /// the evicted value holds. Nil when the map is empty.
    @inlinable
    public func evictLeastRecentlySeen() -> Value? {
        guard tail >= 0 else { return nil }
        let index = tail
        let value = (values + Int(index)).move()
        wipe(index)
        release(index)
        evictionCount &+= 1
        return value
    }

    /// Empties the map (a key reload); the counters keep counting.
    public func removeAll() {
        var index = head
        while index >= 0 {
            let next = entries[Int(index)].next
            dropKey(index)
            (values + Int(index)).deinitialize(count: 1)
            wipe(index)
            index = next
        }
        table.update(repeating: 0, count: mask + 1)
        head = -1
        tail = -1
        free = -1
        used = 0
        liveCount = 0
    }

    /// Calls `body` with every key and value, most recently seen first.
    public func forEach(_ body: (UnsafeRawBufferPointer, Value) throws -> Void) rethrows {
        var index = head
        while index >= 0 {
            let entry = entries[Int(index)]
            try body(UnsafeRawBufferPointer(start: keyBytes(index), count: Int(entry.keyCount)), values[Int(index)])
            index = entry.next
        }
    }

    /// Calls `body` with every key and value, least recently seen first:
    /// inserting them in this order into an empty map rebuilds the same
    /// recency (state files).
    public func forEachLeastRecentFirst(_ body: (UnsafeRawBufferPointer, Value) throws -> Void) rethrows {
        var index = tail
        while index >= 0 {
            let entry = entries[Int(index)]
            try body(UnsafeRawBufferPointer(start: keyBytes(index), count: Int(entry.keyCount)), values[Int(index)])
            index = entry.prev
        }
    }

    @inlinable @inline(__always)
    func swap(_ slot: inout Value, _ value: Value) -> Value {
        let old = slot
        slot = value
        return old
    }
}
