/// An attack while the simulation runs: its plan, its own random stream,
/// progress, what it captured (replay), and the label it is building.
struct AttackRuntime {
    let instance: AttackInstance
    /// Index of the attacked (or intruding) device in the simulator's devices.
    let deviceIndex: Int
    var rng: Xoshiro256
    var label: AttackLabel
    /// Records altered so far (count-limited attacks).
    var applied = 0
    /// sensor_freeze: the reading the sensors stick at; spoof_flat: the step count.
    var frozen: Sample?
    /// replay: the records captured for re-sending.
    var captured: [CapturedRecord] = []
    /// flood and replay: how many lines the inserted stream has sent.
    var cursor = 0
    /// flood and replay: the last receive time the inserted stream used.
    var lastRx: Int64 = .min

    init(instance: AttackInstance, deviceIndex: Int, sealed: Bool) {
        self.instance = instance
        self.deviceIndex = deviceIndex
        rng = Xoshiro256(seed: SplitMix64.mix(instance.seed &+ 0x5EED))
        label = AttackLabel(id: instance.id, attack: instance.kind.name, dev: instance.device, sealed: sealed)
    }

    /// True while a count-limited attack still has records to alter at `send`.
    func countedActive(at send: Double) -> Bool {
        send >= instance.start && applied < instance.maxRecords
    }

    /// True while a windowed attack is active at `send`.
    func windowActive(at send: Double) -> Bool {
        send >= instance.start && send < instance.end
    }
}

/// One record captured for a replay: the line (plaintext) or token (sealed) as sent.
struct CapturedRecord {
    let bytes: [UInt8]
    let seq: Int
    let ts: Int64
    let send: Double
}

/// What an attack does to one of its device's own records.
struct Alteration {
    var altered = false
    /// oversize: total plaintext size to pad to, and the filler's seed.
    var padTo = 0
    var filler: UInt64 = 0
    var wrongKey = false
    /// bit_flip: which bit (nil: none).
    var flip: UInt64?
    /// replay: keep a copy for re-sending.
    var capture = false
}
