import WearCore
import WearJOSE

/// Where the simulated fleet's keys come from. The key fixes the algorithm:
/// derived keys are 32 bytes (A256GCM only); an A128GCM fleet needs a
/// keys.json of explicit 16-byte keys (`wear keys new --enc A128GCM`).
public enum SimKeys: Sendable {
    case master(MasterKey)
    case table([String: DeviceKey])
}

/// Seals the simulator's records: per-device keys (derived from the master
/// key, or from keys.json) looked up once and cached, IVs derived from the
/// seed, a wrong "rogue" key for the bad_key and unknown_device attacks, and
/// the envelope line.
///
/// The IVs are deterministic (seed, device, seq, copy), which is what makes
/// sealed output reproducible and also why a simulator's master key must
/// never seal real data.
final class Sealer {
    let keys: SimKeys
    let enc: ContentEncryption
    private let rogue: MasterKey
    private let rogueSeed: UInt64
    private let ivSeed: UInt64
    /// Sealing contexts of fleet members: one per device for fleets up to
    /// `cacheSlots`, else direct-mapped by device index.
    private var sealers: [(index: Int, sealer: JWESealer)?]
    static let cacheSlots = 1 << 16

    init(keys: SimKeys, enc: ContentEncryption, seed: UInt64, devices: Int) {
        self.keys = keys
        self.enc = enc
        rogueSeed = SplitMix64.derive(seed, .rogueKey)
        var rogueBits = SplitMix64(seed: SplitMix64.derive(seed, .rogueKey))
        var bytes: [UInt8] = []
        for _ in 0..<4 {
            let word = rogueBits.next()
            for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        do {
            rogue = try MasterKey(bytes: bytes)
        } catch {
            preconditionFailure("32 bytes always make a master key: \(error)")
        }
        ivSeed = SplitMix64.derive(seed, .iv)
        sealers = Array(repeating: nil, count: min(devices, Self.cacheSlots))
    }

    /// The IV of copy `variant` of record `seq` from stream `stream`.
    @inline(__always)
    func iv(stream: Int, seq: Int, variant: Int) -> [UInt8] {
        let high = SplitMix64.mix(ivSeed ^ SplitMix64.mix(UInt64(stream) &* 0x1_0000_0001 &+ UInt64(variant)))
        let first = SplitMix64.mix(high &+ UInt64(bitPattern: Int64(seq)))
        let second = SplitMix64.mix(first ^ 0xA5A5_5A5A_C3C3_3C3C)
        return [UInt8](unsafeUninitializedCapacity: 12) { buffer, initialized in
            for index in 0..<8 { buffer[index] = UInt8(truncatingIfNeeded: first >> UInt64(8 * index)) }
            for index in 0..<4 { buffer[8 + index] = UInt8(truncatingIfNeeded: second >> UInt64(8 * index)) }
            initialized = 12
        }
    }

    /// Appends the compact JWE of `plaintext` for `kid` to `output`: with fleet
    /// member `fleetIndex`'s true key, or (`rogue`) with a key derived from a
    /// master key the fleet does not use.
    @inline(__always)
    func seal(_ plaintext: UnsafeRawBufferPointer, kid: String, fleetIndex: Int, rogue useRogue: Bool, iv: [UInt8],
              into output: ByteBuffer) {
        if !useRogue, let sealer = sealer(fleetIndex: fleetIndex, kid: kid) {
            var sealed = false
            output.append(upTo: sealer.maxTokenCount(plaintextCount: plaintext.count)) { cursor in
                guard let count = sealer.seal(plaintext, iv: iv, into: cursor) else { return 0 }
                sealed = true
                return count
            }
            if sealed { return }
        }
        guard let key = useRogue ? rogueKey(for: kid) : key(for: kid) else { return }
        output.append(utf8: JWE.seal(plaintext, kid: kid, key: key, enc: enc, iv: iv))
    }

    /// The device's true key (Simulator checked that every fleet member has one that fits `enc`).
    private func key(for kid: String) -> DeviceKey? {
        switch keys {
        case .master(let master): master.deviceKey(for: kid)
        case .table(let table): table[kid]
        }
    }

    /// A wrong key of the right length: derived from a master key the fleet
    /// does not use (A256GCM), or 16 bytes drawn from the seed and the kid (A128GCM).
    private func rogueKey(for kid: String) -> DeviceKey? {
        guard enc == .a128gcm else { return rogue.deviceKey(for: kid) }
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in kid.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        var bits = SplitMix64(seed: rogueSeed ^ hash)
        var bytes: [UInt8] = []
        for _ in 0..<2 {
            let word = bits.next()
            for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        return try? DeviceKey(bytes: bytes)
    }

    /// The cached sealing context of fleet member `fleetIndex`.
    @inline(__always)
    private func sealer(fleetIndex: Int, kid: String) -> JWESealer? {
        let slot = fleetIndex % Self.cacheSlots
        if slot < sealers.count, let cached = sealers[slot], cached.index == fleetIndex { return cached.sealer }
        guard let key = key(for: kid), let made = JWESealer(kid: kid, key: key, enc: enc) else { return nil }
        if slot < sealers.count { sealers[slot] = (fleetIndex, made) }
        return made
    }

    /// Appends the envelope line `{"jwe":"<token>","rx":<rx>}`.
    @inline(__always)
    static func appendEnvelope(token: UnsafeRawBufferPointer, rx: Int64, to line: ByteBuffer) {
        line.append(envelopeStart)
        line.append(token)
        appendEnvelopeEnd(rx: rx, to: line)
    }

    static let envelopeStart: StaticString = "{\"jwe\":\""

    /// Closes an envelope line whose token was written after `envelopeStart`.
    @inline(__always)
    static func appendEnvelopeEnd(rx: Int64, to line: ByteBuffer) {
        line.append("\",\"rx\":")
        line.append(int: Int(rx))
        line.append("}")
    }

    /// Flips one bit of one ciphertext byte of a compact token, in place:
    /// one bit of one base64url character of the fourth part, never its last
    /// character (whose low bits may be padding).
    static func flipCiphertextBit(_ token: UnsafeMutableBufferPointer<UInt8>, draw: UInt64) {
        var dots: [Int] = []
        for (index, byte) in token.enumerated() where byte == UInt8(ascii: ".") { dots.append(index) }
        guard dots.count == 4 else { return }
        let first = dots[2] + 1
        let usable = dots[3] - 1 - first
        guard usable > 0 else { return }
        let position = first + Int(draw % UInt64(usable))
        guard let value = Base64URLAlphabet.value(of: token[position]) else { return }
        token[position] = Base64URLAlphabet.character(value ^ (1 << UInt8((draw >> 32) % 6)))
    }
}

/// The base64url alphabet (RFC 4648 §5).
enum Base64URLAlphabet {
    static let characters: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    static func value(of character: UInt8) -> UInt8? {
        characters.firstIndex(of: character).map { UInt8($0) }
    }

    static func character(_ value: UInt8) -> UInt8 { characters[Int(value & 63)] }
}
