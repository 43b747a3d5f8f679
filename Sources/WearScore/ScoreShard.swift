import Glibc
import WearCore

/// wear-score's per-shard stage: the state of the devices routed to this
/// shard, and the scoring of their records (docs/wear-score.md). Runs as a
/// shard of `ShardedStage` (one per worker thread) or alone.
///
/// A record gets `"score"` (null while its device warms up) and `"why"`
/// (the tests with an equivalent z of at least `whyZ`, strongest first, at
/// most 3); a record that already has them gets them replaced.
public struct ScoreShard: Stage {
    public static var name: String { "wear-score" }

    static let missingKey = RejectReason("missing_key")
    static let scoreName: MemberName = "score"
    static let whyName: MemberName = "why"

    public let configuration: ScoreConfiguration
    let detector: Detector
    let program: ExprProgram
    /// Lane -> index of its expression in `program` (-1: dt).
    private let lanes: [Int]
    private let devices: BoundedMap<Int32>
    private var states: [DeviceState] = []
    private let fresh: DeviceState
    private var text: [UInt8] = []
    /// The features' names for `why`.
    private let whyNames: [[UInt8]]
    public let tally: ScoreTally
    /// Where restored devices come from and saved ones go (`--state`), and
    /// this shard's index there; nil without `--state`.
    private let exchange: (ScoreStateExchange, shard: Int)?

    public init(configuration: ScoreConfiguration, maxDevices: Int, tally: ScoreTally = ScoreTally()) throws(FeatureError) {
        try self.init(configuration: configuration, maxDevices: maxDevices, tally: tally, exchange: nil)
    }

    /// A shard that starts with its restored devices from `exchange` and
    /// saves into it on `persist`.
    init(configuration: ScoreConfiguration, maxDevices: Int, tally: ScoreTally,
         exchange: (ScoreStateExchange, shard: Int)?) throws(FeatureError) {
        self.configuration = configuration
        detector = Detector(parameters: configuration.parameters, stuckLanes: configuration.stuckLanes)
        program = try configuration.program(maxKeys: maxDevices)
        var next = 0
        lanes = configuration.features.map { feature in
            guard case .expression = feature.source else { return -1 }
            defer { next += 1 }
            return next
        }
        devices = BoundedMap(capacity: max(1, maxDevices), inlineKeyBytes: 16)
        fresh = DeviceState(configuration.parameters)
        whyNames = ScoreText.names(configuration.features)
        self.tally = tally
        self.exchange = exchange
        text.reserveCapacity(256)
        if let (exchange, shard) = exchange { restore(exchange.takeRestored(shard: shard)) }
    }

    /// Installs restored devices, least recently seen first (the last is
    /// the most recent); beyond `maxDevices`, the least recent are evicted.
    private mutating func restore(_ restored: RestoredPart) {
        states.reserveCapacity(min(restored.count, devices.capacity))
        restored.forEach(parameters: configuration.parameters) { key, state in
            states[row(for: key)] = state
        }
    }

    /// Hands this shard's devices to the stage, least recently seen first
    /// (`ScoreState`); without `--state`, nothing.
    public mutating func persist() throws {
        guard let (exchange, shard) = exchange else { return }
        var encoder = DeviceStateEncoder(writer: StateWriter(reservingCapacity: devices.count * (ScoreState.stateBytes + 24)))
        devices.forEachLeastRecentFirst { key, row in ScoreState.append(key: key, state: states[Int(row)], to: &encoder) }
        exchange.put(ShardSave(devices: devices.count, bytes: encoder.writer.output), shard: shard)
    }

    public mutating func process(_ record: Record, into output: inout StageOutput) -> Verdict {
        guard let root = record.json else { return .pass }
        program.load(root)
        guard let key = program.read(ScoreConfiguration.readKey).stringBytes else {
            return .reject(Self.missingKey, detail: "no string member \"\(configuration.key)\" to key the device by")
        }
        let row = self.row(for: key)
        let time = EventTime.milliseconds(program.read(ScoreConfiguration.readRX)) ?? EventTime.milliseconds(program.read(ScoreConfiguration.readTS))
        var x = Lanes(repeating: .nan)
        for (lane, index) in lanes.enumerated() {
            if index >= 0 {
                x[lane] = program.number(index).map(Self.laneValue) ?? .nan
            } else {
                x[lane] = Self.interArrival(&states[row].time, time)
            }
        }
        if let time, states[row].time == .min { states[row].time = time }
        let warmedUp = Int(states[row].records) >= configuration.parameters.warmup
        let evidence = detector.step(&states[row], x)
        text.removeAll(keepingCapacity: true)
        if warmedUp && evidence.tests > 0 {
            let p = Calibration.withFlags(Calibration.sidak(evidence.pMin, tests: evidence.tests),
                                          flags: Self.flagCount(program.read(ScoreConfiguration.readFlags)),
                                          flagP: configuration.parameters.flagP)
            let score = 1 - p
            tally.record(score: score)
            ScoreText.score(score, into: &text)
        } else {
            tally.warming.add(1, ordering: .relaxed)
            ScoreText.append("null", to: &text)
        }
        let scoreEnd = text.count
        ScoreText.why(evidence, names: whyNames, minimum: configuration.parameters.whyZ, into: &text)
        return emit(record, root: root, scoreEnd: scoreEnd, into: &output)
    }

    private func emit(_ record: Record, root: JSONValue, scoreEnd: Int, into output: inout StageOutput) -> Verdict {
        text.withUnsafeBytes { all in
            let score = UnsafeRawBufferPointer(rebasing: all[..<scoreEnd])
            let why = UnsafeRawBufferPointer(rebasing: all[scoreEnd...])
            // Presence from the program's pass, not two lookups (~2 % of a record's time).
            if program.read(ScoreConfiguration.readScore).isAbsentMember && program.read(ScoreConfiguration.readWhy).isAbsentMember {
                _ = output.emit(appendingTo: record.bytes) { writer in
                    writer.field("score", rawJSON: score)
                    writer.field("why", rawJSON: why)
                }
            } else {
                try? output.emit(editing: record) { editor in
                    try editor.set(Self.scoreName, rawJSON: score)
                    try editor.set(Self.whyName, rawJSON: why)
                }
            }
        }
        return .emitted
    }

    /// The row of `key`'s state, a fresh one for a new device (the least
    /// recently seen device's, when full).
    private mutating func row(for key: UnsafeRawBufferPointer) -> Int {
        if let row = devices.value(forKey: key) { return Int(row) }
        let row: Int
        if devices.count >= devices.capacity, let evicted = devices.evictLeastRecentlySeen() {
            row = Int(evicted)
            states[row] = fresh
            tally.evictions.add(1, ordering: .relaxed)
        } else {
            row = states.count
            states.append(fresh)
        }
        _ = devices.insert(Int32(row), forKey: key)
        tally.devices.store(devices.count, ordering: .relaxed)
        return row
    }

    /// Feature values beyond ±1e18 are scored as ±1e18 (still absurd, so
    /// still an alarm): the detectors' Float state squares residuals, and
    /// a value near Float's 3.4e38 made variances and z infinite.
    static let valueLimit = 1e18

    /// A feature's value as its lane holds it: NaN (left out) when not
    /// finite (an expression's division by zero), else clamped to ±1e18.
    @inline(__always)
    static func laneValue(_ value: Double) -> Float {
        value.isFinite ? Float(min(max(value, -valueLimit), valueLimit)) : .nan
    }

    /// Seconds since the device's latest record; NaN for its first, for a
    /// record without a time, or one not later than the latest (which keeps
    /// the latest time: a record out of order does not move the clock back).
    static func interArrival(_ latest: inout Int64, _ time: Int64?) -> Float {
        guard let time, latest != .min else { return .nan }
        guard time > latest else { return .nan }
        defer { latest = time }
        // Times are EventTime's, within ±2^53 ms: the difference cannot overflow.
        return Float(Double(time - latest) / 1000)
    }

    /// Strings in the record's `flags` array (wear-filter's tags).
    static func flagCount(_ flags: JSONValue) -> Int {
        guard flags.isArray else { return 0 }
        var count = 0
        flags.forEachElement { element in
            if element.stringBytes != nil { count += 1 }
            return true
        }
        return count
    }

    /// Bytes of memory one device takes when the shard is full: its state
    /// and its map entry (with an id of up to 16 bytes; longer ids add a
    /// heap block of their length) and table slots.
    public static var bytesPerDevice: Int {
        MemoryLayout<DeviceState>.stride + BoundedMap<Int32>.bytesPerEntry(inlineKeyBytes: 16, tableSlots: 2)
    }
}
