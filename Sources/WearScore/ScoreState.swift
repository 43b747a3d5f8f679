import Synchronization
import WearCore

/// wear-score's `--state FILE`: every device's detector state, in a
/// `StateFile` (docs/wear-score.md, "State").
///
/// Body, format 1 (little-endian): lanes (u32, the feature count), devices
/// (u64), then per device, least recently seen first within each saved
/// shard: the key (u32 length + bytes) and `DeviceState`'s fields in
/// declaration order (`DeviceState.code`): 11 lanes vectors of 8 f32, two
/// of 8 u16, the record count u32 and the event time i64 — 396 bytes plus
/// the key.
///
/// The file's configuration is the key and the features (names and
/// sources, in order): their meaning is what the state is about. Detector
/// settings (--warmup, --flag-p, --no-stuck) may change between runs.
public enum ScoreState {
    public static let stage = "wear-score"
    public static let version: UInt32 = 1
    static let stateBytes = 11 * 32 + 2 * 16 + 4 + 8

    /// What a state file must have been written for.
    public static func configuration(of score: ScoreConfiguration) -> String {
        let features = score.features.map { feature in
            switch feature.source {
            case .interArrival: feature.name
            case .expression(let text): text == feature.name ? feature.name : "\(feature.name)=\(text)"
            }
        }
        return "key=\(score.key) features=\(features.joined(separator: ","))"
    }

    /// The devices of a state file, checked, each in the shard `shard(key)`
    /// picks among `shards`.
    static func restore(_ file: StateFile, configuration: ScoreConfiguration, shards: Int,
                        shard: (UnsafeRawBufferPointer) -> Int) throws(StateFileError) -> [[RestoredDevice]] {
        try file.expect(stage: stage, version: version, configuration: Self.configuration(of: configuration))
        var reader = StateReader(file.body[...])
        let lanes = try reader.u32()
        guard lanes == configuration.features.count else {
            throw .body("\(lanes) lanes for \(configuration.features.count) features")
        }
        let count = try reader.u64()
        guard count <= UInt64(reader.remaining / (4 + stateBytes)) else { throw .truncated }
        var partitions = Array(repeating: [RestoredDevice](), count: shards)
        var fresh = DeviceState(configuration.parameters)
        for index in 0..<Int(count) {
            let key = Array(try reader.bytes(Int(try reader.u32())))
            var decoder = DeviceStateDecoder(reader: reader)
            try fresh.code(&decoder)
            reader = decoder.reader
            if let problem = fresh.implausibility {
                throw .body("device \(index + 1) of \(count): \(problem)")
            }
            let target = key.withUnsafeBytes { shard($0) }
            partitions[target].append(RestoredDevice(key: key, state: fresh))
        }
        guard reader.isAtEnd else { throw .body("\(reader.remaining) bytes after the last device") }
        return partitions
    }

    /// The file for the shards' saved devices.
    static func file(configuration: ScoreConfiguration, saves: [ShardSave]) -> StateFile {
        let total = saves.reduce(0) { $0 + $1.devices }
        var writer = StateWriter(reservingCapacity: 12 + saves.reduce(0) { $0 + $1.bytes.count })
        writer.u32(UInt32(configuration.features.count))
        writer.u64(UInt64(total))
        for save in saves { writer.bytes(save.bytes) }
        return StateFile(stage: stage, version: version, configuration: Self.configuration(of: configuration), body: writer.output)
    }
}

/// One device read from a state file, for the shard that owns it now.
struct RestoredDevice: Sendable {
    let key: [UInt8]
    let state: DeviceState
}

/// One shard's devices, encoded (keys and states, least recently seen first).
struct ShardSave: Sendable {
    var devices = 0
    var bytes: [UInt8] = []
}

/// The hand-over between the stage (runner thread) and its shards (worker
/// threads): restored devices in at start, saved devices out at each
/// checkpoint and at exit. Locked only then, never per record.
final class ScoreStateExchange: Sendable {
    private let restored: Mutex<[[RestoredDevice]]>
    private let saves: Mutex<[ShardSave?]>

    init(restored: [[RestoredDevice]], shards: Int) {
        self.restored = Mutex(restored.isEmpty ? Array(repeating: [], count: shards) : restored)
        self.saves = Mutex(Array(repeating: nil, count: shards))
    }

    /// Shard `shard`'s restored devices, once (the memory goes with them).
    func takeRestored(shard: Int) -> [RestoredDevice] {
        restored.withLock { all in
            defer { all[shard] = [] }
            return all[shard]
        }
    }

    func put(_ save: ShardSave, shard: Int) {
        saves.withLock { $0[shard] = save }
    }

    /// Every shard's save, or nil if one has not saved since the last take.
    func takeSaves() -> [ShardSave]? {
        saves.withLock { all in
            defer { all = Array(repeating: nil, count: all.count) }
            let complete = all.compactMap { $0 }
            return complete.count == all.count ? complete : nil
        }
    }
}

/// Reads or writes `DeviceState`'s fields, one function for both directions.
protocol DeviceStateCoder {
    mutating func lanes(_ value: inout Lanes) throws(StateFileError)
    mutating func counts(_ value: inout SIMD8<UInt16>) throws(StateFileError)
    mutating func u32(_ value: inout UInt32) throws(StateFileError)
    mutating func i64(_ value: inout Int64) throws(StateFileError)
}

struct DeviceStateEncoder: DeviceStateCoder {
    var writer: StateWriter

    mutating func lanes(_ value: inout Lanes) {
        for lane in 0..<Lanes.scalarCount { writer.f32(value[lane]) }
    }
    mutating func counts(_ value: inout SIMD8<UInt16>) {
        for lane in 0..<8 { writer.u16(value[lane]) }
    }
    mutating func u32(_ value: inout UInt32) { writer.u32(value) }
    mutating func i64(_ value: inout Int64) { writer.i64(value) }
}

struct DeviceStateDecoder: DeviceStateCoder {
    var reader: StateReader

    mutating func lanes(_ value: inout Lanes) throws(StateFileError) {
        for lane in 0..<Lanes.scalarCount { value[lane] = try reader.f32() }
    }
    mutating func counts(_ value: inout SIMD8<UInt16>) throws(StateFileError) {
        for lane in 0..<8 { value[lane] = try reader.u16() }
    }
    mutating func u32(_ value: inout UInt32) throws(StateFileError) { value = try reader.u32() }
    mutating func i64(_ value: inout Int64) throws(StateFileError) { value = try reader.i64() }
}

extension DeviceState {
    /// Every field, in declaration order (the file format: a new field is a new version).
    mutating func code(_ coder: inout some DeviceStateCoder) throws(StateFileError) {
        try coder.lanes(&mean)
        try coder.lanes(&variance)
        try coder.lanes(&changeMean)
        try coder.lanes(&changeVariance)
        try coder.lanes(&last)
        try coder.lanes(&repeatRate)
        try coder.lanes(&run)
        try coder.lanes(&levelRate)
        try coder.lanes(&levelExcess)
        try coder.lanes(&changeRate)
        try coder.lanes(&changeExcess)
        try coder.counts(&values)
        try coder.counts(&changes)
        try coder.u32(&records)
        try coder.i64(&time)
    }

    /// Why these values cannot come from `Detector.step` (a damaged file
    /// whose checksum still matched), or nil.
    var implausibility: String? {
        func finite(_ v: Lanes) -> Bool { (0..<Lanes.scalarCount).allSatisfy { v[$0].isFinite } }
        func inUnit(_ v: Lanes) -> Bool { (0..<Lanes.scalarCount).allSatisfy { (0...1).contains(v[$0]) } }
        func nonNegative(_ v: Lanes) -> Bool { finite(v) && (0..<Lanes.scalarCount).allSatisfy { v[$0] >= 0 } }
        if !finite(mean) || !finite(changeMean) { return "a mean is not finite" }
        if !nonNegative(variance) || !nonNegative(changeVariance) { return "a variance is negative or not finite" }
        if !inUnit(repeatRate) || !inUnit(levelRate) || !inUnit(changeRate) { return "a rate is outside [0, 1]" }
        if !nonNegative(run) || !nonNegative(levelExcess) || !nonNegative(changeExcess) { return "a run or excess is negative" }
        return nil
    }
}
