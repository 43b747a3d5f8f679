/// One planned attack: which device, when, and its parameters. Planned
/// before the run from the seed alone (see `AttackPlan`).
public struct AttackInstance: Sendable {
    /// 1-based, in plan order; the label's `id`.
    public let id: Int
    public let kind: AttackKind
    /// The number in the device id `wr-NNNNNN`.
    public let deviceNumber: Int
    /// Where the attack begins and its window ends, ms after the start.
    /// Count-limited attacks alter the first `maxRecords` records from `start`.
    public let start: Double
    public let end: Double
    public let maxRecords: Int
    /// Seed of the instance's own random stream.
    public let seed: UInt64
    /// clock_skew: added to `ts`, ms.
    public var skewMs: Int64 = 0
    /// flood: how many times the device's rate.
    public var multiplier = 1
    /// replay: when re-sending begins, ms after the start.
    public var replayAt = 0.0

    public init(id: Int, kind: AttackKind, deviceNumber: Int, start: Double, end: Double, maxRecords: Int, seed: UInt64) {
        self.id = id
        self.kind = kind
        self.deviceNumber = deviceNumber
        self.start = start
        self.end = end
        self.maxRecords = maxRecords
        self.seed = seed
    }

    /// The device id, `wr-000042`.
    public var device: String { TelemetryFormatter.deviceID(deviceNumber) }
}
