/// A keyed 64-bit hash of a routing key's bytes (a device id) and the shard
/// it picks: the same key always lands on the same worker within a run.
///
/// Keyed with a per-run random seed so a sender cannot pick device ids that
/// all land on one shard without first learning the seed (which never leaves
/// the process). Not a MAC: it only has to spread keys evenly and cheaply
/// (a 64×64→128-bit multiply per 8 bytes, in the spirit of wyhash).
/// Routing never changes output in ordered mode, and per-key order in any
/// mode, whatever the seed.
public struct ShardHash: Sendable, Equatable {
    public let seed: UInt64
    private let multiplier: UInt64

    /// A hash with a random seed (getrandom(2)).
    public init() {
        var generator = SystemRandomNumberGenerator()
        self.init(seed: generator.next())
    }

    /// A hash with a fixed seed (tests, benchmarks).
    public init(seed: UInt64) {
        self.seed = seed
        self.multiplier = Self.fold(seed ^ 0x9E37_79B9_7F4A_7C15, 0xBF58_476D_1CE4_E5B9) | 1
    }

    /// The hash of `bytes`.
    @inline(__always)
    public func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let count = bytes.count
        var state = Self.initial(seed, count: count)
        var offset = 0
        while offset + 8 <= count {
            let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            state = Self.fold(state ^ word, multiplier)
            offset += 8
        }
        var word: UInt64 = 0
        var shift: UInt64 = 0
        while offset < count {
            word |= UInt64(bytes[offset]) << shift
            shift += 8
            offset += 1
        }
        return Self.final(state, tail: word, tailBytes: count & 7, multiplier)
    }

    /// The state before the first word: the seed and the length.
    @inline(__always)
    private static func initial(_ seed: UInt64, count: Int) -> UInt64 {
        seed ^ (UInt64(truncatingIfNeeded: count) &* 0x94D0_49BB_1331_11EB)
    }

    /// The hash from the state after the whole words and the last 1 to 7
    /// bytes (`tail`, little-endian; none when `tailBytes` is 0).
    @inline(__always)
    private static func final(_ state: UInt64, tail: UInt64, tailBytes: Int, _ multiplier: UInt64) -> UInt64 {
        let state = tailBytes > 0 ? fold(state ^ tail ^ 0xFF51_AFD7_ED55_8CCD, multiplier) : state
        return fold(state ^ (state >> 32), 0xC4CE_B9FE_1A85_EC53)
    }

    /// The hash of a string's UTF-8 bytes.
    public func hash(_ text: String) -> UInt64 {
        var text = text
        return text.withUTF8 { hash(UnsafeRawBufferPointer($0)) }
    }

    /// The shard in 0..<shards for `hash`: multiply-shift (Lemire), so every
    /// bit of the hash counts and no division is paid per record.
    @inline(__always)
    public static func shard(of hash: UInt64, among shards: Int) -> Int {
        Int(truncatingIfNeeded: hash.multipliedFullWidth(by: UInt64(truncatingIfNeeded: shards)).high)
    }

    /// `hash` of bytes that arrive in pieces (a state file written part by
    /// part): `update` each piece in order, then `finish`; equal to `hash`
    /// of the pieces joined. `totalCount` is the joined length, known first.
    public struct Stream {
        private let hash: ShardHash
        private var state: UInt64
        /// Bytes of the word being assembled across pieces (little-endian), and how many.
        private var word: UInt64 = 0
        private var filled: UInt64 = 0
        private var remaining: Int

        public init(_ hash: ShardHash, totalCount: Int) {
            self.hash = hash
            state = ShardHash.initial(hash.seed, count: totalCount)
            remaining = totalCount
        }

        public mutating func update(_ bytes: UnsafeRawBufferPointer) {
            precondition(bytes.count <= remaining, "ShardHash.Stream: more bytes than totalCount")
            remaining -= bytes.count
            var offset = 0
            while filled > 0, offset < bytes.count {
                word |= UInt64(bytes[offset]) << (8 * filled)
                filled += 1
                offset += 1
                if filled == 8 { absorb() }
            }
            while offset + 8 <= bytes.count {
                state = ShardHash.fold(state ^ UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)),
                                       hash.multiplier)
                offset += 8
            }
            while offset < bytes.count {
                word |= UInt64(bytes[offset]) << (8 * filled)
                filled += 1
                offset += 1
            }
        }

        private mutating func absorb() {
            state = ShardHash.fold(state ^ word, hash.multiplier)
            (word, filled) = (0, 0)
        }

        /// The hash; every byte of `totalCount` must have been given.
        public func finish() -> UInt64 {
            precondition(remaining == 0, "ShardHash.Stream: \(remaining) bytes short of totalCount")
            return ShardHash.final(state, tail: word, tailBytes: Int(filled), hash.multiplier)
        }
    }

    @inline(__always)
    fileprivate static func fold(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        return product.high ^ product.low
    }
}
