/// xoshiro256** (Blackman, Vigna 2018): the simulator's generator. Seeded
/// through SplitMix64 as its authors recommend; never the system RNG, so a
/// `--seed` reproduces a run byte for byte.
public struct Xoshiro256: RandomNumberGenerator, Sendable {
    private var s0, s1, s2, s3: UInt64

    public init(seed: UInt64) {
        var expander = SplitMix64(seed: seed)
        s0 = expander.next()
        s1 = expander.next()
        s2 = expander.next()
        s3 = expander.next()
    }

    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = rotate(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotate(s3, 45)
        return result
    }

    @inline(__always)
    private func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 &- k)) }

    /// Uniform in [0, 1), 53 bits.
    @inline(__always)
    public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform in [low, high).
    @inline(__always)
    public mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * unit()
    }

    /// Uniform integer in low...high.
    @inline(__always)
    public mutating func int(_ low: Int, _ high: Int) -> Int {
        precondition(low <= high)
        let span = UInt64(high - low) &+ 1
        if span == 0 { return Int(bitPattern: UInt(next())) }
        return low + Int(next().multipliedFullWidth(by: span).high)
    }

    /// True with probability `p`.
    @inline(__always)
    public mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// An approximately standard normal number: the sum of four uniform
    /// 16-bit draws from one 64-bit word (Irwin-Hall, n = 4), rescaled to unit
    /// variance. Tails stop at ±3.46σ, which suits a simulator of clean
    /// signals: rare extremes are the attacks' job, not the noise's.
    @inline(__always)
    public mutating func gaussian() -> Double {
        let bits = next()
        let sum = (bits & 0xFFFF) + ((bits >> 16) & 0xFFFF) + ((bits >> 32) & 0xFFFF) + (bits >> 48)
        // Mean 2 * 65535, variance 4 * (65536^2 - 1) / 12.
        return (Double(sum) - 131_070.0) * (1.0 / 37_837.227)
    }
}
