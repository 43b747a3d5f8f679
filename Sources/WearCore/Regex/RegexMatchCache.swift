import Glibc

/// An exact memo of one `match(x, "re")` call site's answers: input bytes →
/// the regex's Bool, so a value seen again (device ids repeat on every
/// record of a device) costs a hash and a `memcmp` instead of an RE2 search.
/// It only remembers what RE2 answered: matching stays linear in the input.
///
/// - Inputs longer than ``maxKeyBytes`` bypass it (RE2 directly).
/// - Open addressing with linear probing, at most ``maxProbes`` probes per
///   look-up or insert and at most half full, so a look-up costs a bounded
///   number of comparisons of at most ``maxKeyBytes`` bytes whatever the
///   input; the hash is seeded per process, so inputs cannot be chosen to
///   collide in advance, and if they collide anyway they only cost misses
///   (an input that finds no free entry within its probes is not stored).
/// - Memory: starts at ``initialBytes`` (entries plus the key bytes), doubles
///   up to ``maxBytes`` while its ``RegexCacheBudget`` (one per program: a
///   rules file) has room, and when full starts again empty.
///
/// Not thread-safe: one per call site of one program (one thread or shard).
public final class RegexMatchCache {
    /// Inputs longer than this are not cached.
    public static let maxKeyBytes = 64
    /// Bytes at first (entries and key bytes).
    public static let initialBytes = 8 << 10
    /// The most bytes one call site's cache grows to.
    public static let maxBytes = 512 << 10
    /// Probes per look-up or insert.
    static let maxProbes = 8
    /// Bytes per entry: 16 in the table plus 16 of key storage.
    static let bytesPerEntry = 32

    /// One entry: `hash` 0 is empty (stored hashes have their low bit set).
    struct Entry {
        var hash: UInt64
        var offset: UInt32
        var length: UInt16
        var result: UInt16
    }

    public let regex: LinearRegex
    private let budget: RegexCacheBudget?
    // Unchecked exclusivity: one owner, one thread, and no access overlaps
    // another (a dynamic check per look-up was 76 instructions, callgrind).
    @exclusivity(unchecked) private var entries: UnsafeMutablePointer<Entry>
    @exclusivity(unchecked) private var keys: UnsafeMutableRawPointer
    @exclusivity(unchecked) private var capacity: Int // entries, a power of two
    @exclusivity(unchecked) private var keyCapacity: Int
    @exclusivity(unchecked) private var keysUsed = 0
    @exclusivity(unchecked) private var count = 0
    /// The process's seed, copied (reading the static costs a `swift_once` per look-up).
    private let seed = RegexMatchCache.processSeed
    /// Answers from the cache and from RE2 (for tests and docs).
    @exclusivity(unchecked) public private(set) var hits = 0
    @exclusivity(unchecked) public private(set) var misses = 0

    /// A cache for `regex`, its memory taken from `budget`; without room in
    /// the budget for ``initialBytes`` every call goes to RE2.
    public init(_ regex: LinearRegex, budget: RegexCacheBudget?) {
        self.regex = regex
        let initialEntries = Self.initialBytes / Self.bytesPerEntry
        if let budget, budget.take(Self.initialBytes) {
            self.budget = budget
            capacity = initialEntries
        } else {
            self.budget = nil
            capacity = 0
        }
        keyCapacity = capacity * 16
        entries = .allocate(capacity: max(capacity, 1))
        entries.initialize(repeating: Entry(hash: 0, offset: 0, length: 0, result: 0), count: max(capacity, 1))
        keys = .allocate(byteCount: max(keyCapacity, 1), alignment: 8)
    }

    deinit {
        entries.deallocate()
        keys.deallocate()
        budget?.give(capacity * Self.bytesPerEntry)
    }

    /// Bytes held now.
    public var footprintBytes: Int { capacity * Self.bytesPerEntry }

    /// What `regex.matches(bytes)` answers.
    @inline(__always)
    public func matches(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let length = bytes.count
        guard length <= Self.maxKeyBytes, capacity > 0, let base = bytes.baseAddress else {
            return regex.matches(bytes)
        }
        let hash = Self.hash(base, length, seed: seed) | 1
        let mask = capacity - 1
        var index = Int(truncatingIfNeeded: hash >> 7) & mask
        for _ in 0..<Self.maxProbes {
            let entry = entries[index]
            if entry.hash == 0 { break }
            if entry.hash == hash, Int(entry.length) == length,
               length == 0 || memcmp(keys + Int(entry.offset), base, length) == 0 {
                hits &+= 1
                return entry.result != 0
            }
            index = (index + 1) & mask
        }
        misses &+= 1
        let result = regex.matches(bytes)
        insert(base, length, hash: hash, result: result)
        return result
    }

    private func insert(_ base: UnsafeRawPointer, _ length: Int, hash: UInt64, result: Bool) {
        if 2 * (count + 1) > capacity || keysUsed + length > keyCapacity { makeRoom() }
        let mask = capacity - 1
        var index = Int(truncatingIfNeeded: hash >> 7) & mask
        for _ in 0..<Self.maxProbes {
            if entries[index].hash == 0 {
                (keys + keysUsed).copyMemory(from: base, byteCount: length)
                entries[index] = Entry(hash: hash, offset: UInt32(keysUsed), length: UInt16(length), result: result ? 1 : 0)
                keysUsed += length
                count += 1
                return
            }
            index = (index + 1) & mask
        }
        // No free entry within the probes: not stored (it stays a miss).
    }

    /// Doubles the table when this site and the budget allow; else empties it.
    private func makeRoom() {
        let grown = 2 * capacity
        guard grown * Self.bytesPerEntry <= Self.maxBytes, let budget,
              budget.take((grown - capacity) * Self.bytesPerEntry) else {
            entries.update(repeating: Entry(hash: 0, offset: 0, length: 0, result: 0), count: capacity)
            count = 0
            keysUsed = 0
            return
        }
        let (oldEntries, oldCapacity, oldKeys) = (entries, capacity, keys)
        capacity = grown
        keyCapacity = grown * 16
        entries = .allocate(capacity: grown)
        entries.initialize(repeating: Entry(hash: 0, offset: 0, length: 0, result: 0), count: grown)
        keys = .allocate(byteCount: keyCapacity, alignment: 8)
        keys.copyMemory(from: oldKeys, byteCount: keysUsed)
        count = 0
        let mask = grown - 1
        for old in 0..<oldCapacity where oldEntries[old].hash != 0 {
            let entry = oldEntries[old]
            var index = Int(truncatingIfNeeded: entry.hash >> 7) & mask
            for _ in 0..<Self.maxProbes {
                if entries[index].hash == 0 {
                    entries[index] = entry
                    count += 1
                    break
                }
                index = (index + 1) & mask
            }
        }
        oldEntries.deallocate()
        oldKeys.deallocate()
    }

    /// Per process: drawn at start from the system's random source.
    static let processSeed: UInt64 = {
        var generator = SystemRandomNumberGenerator()
        return generator.next()
    }()

    /// A seeded multiply-xor hash of at most `maxKeyBytes` bytes: 8-byte
    /// words (the last one overlapping), or two overlapping 4-byte loads,
    /// or three bytes; never reads outside the bytes.
    @inline(__always)
    static func hash(_ base: UnsafeRawPointer, _ length: Int, seed: UInt64) -> UInt64 {
        let k0: UInt64 = 0x9E37_79B9_7F4A_7C15, k1: UInt64 = 0xBF58_476D_1CE4_E5B9, k2: UInt64 = 0x94D0_49BB_1331_11EB
        var h = seed ^ (UInt64(truncatingIfNeeded: length) &* k0)
        if length >= 8 {
            var offset = 0
            while offset + 8 <= length {
                h = (h ^ base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* k1
                h ^= h >> 29
                offset += 8
            }
            if offset < length {
                h = (h ^ base.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self)) &* k2
                h ^= h >> 32
            }
        } else if length >= 4 {
            let low = UInt64(base.loadUnaligned(as: UInt32.self))
            let high = UInt64(base.loadUnaligned(fromByteOffset: length - 4, as: UInt32.self))
            h = (h ^ (low | high << 32)) &* k1
        } else if length > 0 {
            let a = UInt64(base.load(as: UInt8.self))
            let b = UInt64(base.load(fromByteOffset: length >> 1, as: UInt8.self))
            let c = UInt64(base.load(fromByteOffset: length - 1, as: UInt8.self))
            h = (h ^ (a | b << 8 | c << 16)) &* k1
        }
        h ^= h >> 31
        h = h &* k2
        h ^= h >> 29
        return h
    }
}

/// The memory all the `RegexMatchCache`s of one program (one rules file)
/// may hold together: ``defaultBytes`` unless said otherwise.
public final class RegexCacheBudget {
    public static let defaultBytes = 4 << 20
    public private(set) var remaining: Int

    public init(bytes: Int = RegexCacheBudget.defaultBytes) { remaining = bytes }

    /// Takes `bytes` if that many remain.
    func take(_ bytes: Int) -> Bool {
        guard bytes <= remaining else { return false }
        remaining -= bytes
        return true
    }

    func give(_ bytes: Int) { remaining += bytes }
}
