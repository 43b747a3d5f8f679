/// The form of a wearable, which decides the fields its records carry:
/// watches send everything; bands have no skin-temperature or gyroscope
/// sensor; chest patches no motion sensors (acc, gyro, steps). A quarter of
/// the fleet are watches, half bands, a quarter patches: records average
/// about 140 bytes.
public enum DeviceKind: String, CaseIterable, Sendable {
    case watch, band, patch

    public var hasTemp: Bool { self != .band }
    public var hasAcc: Bool { self != .patch }
    public var hasGyro: Bool { self == .watch }
    public var hasSteps: Bool { self != .patch }

    /// The kind of device `number`, from the seed alone (attack planning needs it before any device exists).
    public static func of(seed: UInt64, number: Int) -> DeviceKind {
        switch SplitMix64.derive(seed, .fleet, UInt64(number)) & 3 {
        case 0: .watch
        case 3: .patch
        default: .band
        }
    }

    /// The sample as this kind of device reports it: absent sensors read zero
    /// (and are not written), so comparing samples compares what is sent.
    @inline(__always)
    public func mask(_ sample: Sample) -> Sample {
        var masked = sample
        if !hasTemp { masked.temp = 0 }
        if !hasAcc { masked.acc = .zero }
        if !hasGyro { masked.gyro = .zero }
        if !hasSteps { masked.steps = 0 }
        return masked
    }
}
