/// A bounded map from encoded protected headers to `CachedHeader`s, with
/// least-recently-used-like eviction in two generations: look-ups hit the
/// current generation, or promote from the previous one; when the current
/// one is full it becomes the previous one and the old previous one is
/// dropped. At most `capacity` headers (and device key contexts) are held.
///
/// Open addressing with linear probing, at most half full, keyed by a
/// seeded multiply-xor hash of the header bytes: a hit costs one hash of
/// ~64 bytes, one probe and one memcmp, and allocates nothing.
final class HeaderCache {
    private var current: Generation
    private var previous: Generation
    let capacity: Int
    private let seed: UInt64
    private(set) var evictions = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 2)
        let generation = max(self.capacity / 2, 1)
        current = Generation(limit: generation)
        previous = Generation(limit: generation)
        seed = UInt64.random(in: .min ... .max)
    }

    var count: Int { current.count + previous.count }

    @inline(__always)
    func lookup(_ encoded: UnsafeRawBufferPointer) -> CachedHeader? {
        let hash = Self.hash(encoded, seed: seed)
        if let entry = current.find(encoded, hash: hash) { return entry }
        guard let entry = previous.find(encoded, hash: hash) else { return nil }
        insert(entry, hash: hash)
        return entry
    }

    func insert(_ entry: CachedHeader) {
        insert(entry, hash: Self.hash(UnsafeRawBufferPointer(entry.encoded), seed: seed))
    }

    func removeAll() {
        current = Generation(limit: current.limit)
        previous = Generation(limit: previous.limit)
    }

    private func insert(_ entry: CachedHeader, hash: UInt64) {
        if current.count >= current.limit {
            evictions += previous.count
            previous = current
            current = Generation(limit: previous.limit)
        }
        current.insert(entry, hash: hash)
    }

    /// A seeded multiply-xor hash over 8-byte words.
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15
        var hash = seed ^ UInt64(bytes.count)
        guard let base = bytes.baseAddress else { return hash }
        var offset = 0
        while offset + 8 <= bytes.count {
            hash = (hash ^ base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* multiplier
            hash ^= hash >> 29
            offset += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count {
            tail |= UInt64(base.load(fromByteOffset: offset, as: UInt8.self)) << shift
            shift += 8
            offset += 1
        }
        hash = (hash ^ tail) &* multiplier
        return hash ^ (hash >> 32)
    }

    /// One open-addressing table of up to `limit` entries in 2·limit+ slots.
    private struct Generation {
        let limit: Int
        private var slots: [CachedHeader?]
        private var hashes: [UInt64]
        private let mask: Int
        private(set) var count = 0

        init(limit: Int) {
            self.limit = limit
            var size = 4
            while size < limit * 2 { size <<= 1 }
            slots = [CachedHeader?](repeating: nil, count: size)
            hashes = [UInt64](repeating: 0, count: size)
            mask = size - 1
        }

        @inline(__always)
        func find(_ encoded: UnsafeRawBufferPointer, hash: UInt64) -> CachedHeader? {
            var index = Int(truncatingIfNeeded: hash) & mask
            while let entry = slots[index] {
                if hashes[index] == hash, entry.matches(encoded) { return entry }
                index = (index + 1) & mask
            }
            return nil
        }

        mutating func insert(_ entry: CachedHeader, hash: UInt64) {
            var index = Int(truncatingIfNeeded: hash) & mask
            while let existing = slots[index] {
                if hashes[index] == hash, existing.matches(UnsafeRawBufferPointer(entry.encoded)) {
                    slots[index] = entry
                    return
                }
                index = (index + 1) & mask
            }
            slots[index] = entry
            hashes[index] = hash
            count += 1
        }
    }
}
