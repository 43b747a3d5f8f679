/// The seeded hash of `BoundedMap` keys: 16 bytes per step, each step one
/// 64×64→128-bit multiply folded to 64 bits (the wyhash construction), so
/// the seed changes every step non-linearly and colliding keys cannot be
/// prepared without it. A 9-byte device id costs ~3 ns, a 70-byte encoded
/// JWE header ~8 ns. Not a MAC: the map's bound, not the hash, limits what
/// a flood of keys can cost.
public enum BoundedMapHash {
    @usableFromInline static let p0: UInt64 = 0xA076_1D64_78BD_642F
    @usableFromInline static let p1: UInt64 = 0xE703_7ED1_A0B4_28DB
    @usableFromInline static let p2: UInt64 = 0x8EBC_6AF0_9C88_C6E3
    @usableFromInline static let p3: UInt64 = 0x5899_65CC_7537_4CC3

    @inlinable @inline(__always)
    static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        return product.high ^ product.low
    }

    /// The hash of `bytes` under `seed`.
    @inlinable @inline(__always)
    public static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        let count = bytes.count
        var state = seed ^ mix(seed ^ p0, p1)
        var a: UInt64 = 0, b: UInt64 = 0
        if let base = bytes.baseAddress, count > 0 {
            if count <= 16 {
                if count >= 4 {
                    let last = count - 4, middle = (count >> 3) << 2
                    a = UInt64(base.loadUnaligned(as: UInt32.self)) << 32
                        | UInt64(base.loadUnaligned(fromByteOffset: middle, as: UInt32.self))
                    b = UInt64(base.loadUnaligned(fromByteOffset: last, as: UInt32.self)) << 32
                        | UInt64(base.loadUnaligned(fromByteOffset: last - middle, as: UInt32.self))
                } else {
                    a = UInt64(base.load(as: UInt8.self)) << 16
                        | UInt64(base.load(fromByteOffset: count >> 1, as: UInt8.self)) << 8
                        | UInt64(base.load(fromByteOffset: count - 1, as: UInt8.self))
                }
            } else {
                var offset = 0
                while count - offset > 16 {
                    state = mix(base.loadUnaligned(fromByteOffset: offset, as: UInt64.self) ^ p1,
                                base.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self) ^ state)
                    offset += 16
                }
                a = base.loadUnaligned(fromByteOffset: count - 16, as: UInt64.self)
                b = base.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            }
        }
        a ^= p1
        b ^= state
        let folded = mix(a, b)
        return mix(p0 ^ UInt64(truncatingIfNeeded: count), folded ^ p1)
    }
}
