/// SplitMix64 (Steele, Lea, Flood 2014): a tiny, fast generator, used here
/// to expand one `--seed` into independent seeds and to hash small tuples
/// (device, seq) into IVs. Same input, same output, on every platform.
public struct SplitMix64: Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// The SplitMix64 finaliser: a bijective avalanche of 64 bits.
    @inline(__always)
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A seed for an independent stream: `mix` of the root seed, a stream
    /// name's tag and an index (a device, an attack instance).
    public static func derive(_ seed: UInt64, _ tag: StreamTag, _ index: UInt64 = 0) -> UInt64 {
        mix(mix(seed ^ tag.rawValue) &+ mix(index &+ 0x632B_E59B_D9B4_E019))
    }
}

/// The named random streams of the simulator. Each consumer draws from its
/// own stream, so adding attacks never shifts the clean fleet's numbers.
public enum StreamTag: UInt64, Sendable {
    case fleet = 0x666C_6565_7400_0001
    case device = 0x6465_7669_6365_0002
    case attackPlan = 0x706C_616E_0000_0003
    case attack = 0x6174_7461_636B_0004
    case iv = 0x6976_0000_0000_0005
    case rogueKey = 0x726F_6775_6500_0006
}
