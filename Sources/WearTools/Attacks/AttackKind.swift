/// The attacks the simulator injects, by their label names.
public enum AttackKind: String, CaseIterable, Sendable, Comparable {
    case hrSpike = "hr_spike"
    case tamperShock = "tamper_shock"
    case sensorFreeze = "sensor_freeze"
    case spoofFlat = "spoof_flat"
    case replay
    case clockSkew = "clock_skew"
    case flood
    case oversize
    case badKey = "bad_key"
    case bitFlip = "bit_flip"
    case unknownDevice = "unknown_device"

    public var name: String { rawValue }

    /// Attacks on the envelope, which plaintext output cannot carry.
    public var needsEnvelope: Bool { self == .badKey || self == .bitFlip }

    /// Attacks that add lines to the stream (the rest alter existing ones).
    public var insertsLines: Bool { self == .replay || self == .flood || self == .unknownDevice }

    /// Attacks on a fleet device (unknown_device brings its own).
    public var usesFleetDevice: Bool { self != .unknownDevice }

    /// True when a device of `kind` has the sensors this attack alters.
    public func canAttack(_ kind: DeviceKind) -> Bool {
        self == .tamperShock ? kind.hasAcc : true
    }

    /// What the attack does, for --help and the manual.
    public var summary: String {
        switch self {
        case .hrSpike: "heart rate 220-300 bpm for 2-6 records"
        case .tamperShock: "8-16 g acceleration and gyro spikes, 1-4 records"
        case .sensorFreeze: "all body sensors stuck at one reading for 1 min"
        case .spoofFlat: "2-5 min of constant heart rate, flat motion"
        case .replay: "5-20 earlier envelopes re-sent 1-5 min later"
        case .clockSkew: "ts 1-12 h off for 30 s to 5 min"
        case .flood: "latest reading re-sent at 50-100x rate, 5-30 s"
        case .oversize: "1-3 records padded to 8-64 KiB (\"pad\")"
        case .badKey: "1-5 envelopes sealed with a wrong key"
        case .bitFlip: "1-3 envelopes with one ciphertext bit flipped"
        case .unknownDevice: "10-60 records from a device outside the fleet"
        }
    }

    /// Position in the canonical order (the order of `allCases`).
    public var order: Int { Self.allCases.firstIndex(of: self) ?? 0 }

    public static func < (lhs: AttackKind, rhs: AttackKind) -> Bool {
        lhs.order < rhs.order
    }
}
