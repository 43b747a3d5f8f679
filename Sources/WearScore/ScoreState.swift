import Synchronization
import WearCore

/// wear-score's `--state FILE`: every device's detector state, in a
/// `StateFile` (docs/wear-score.md, "State").
///
/// Body, format 2 (little-endian): lanes (u32, the feature count), devices
/// (u64), then per device, least recently seen first within each saved
/// shard: the key (u32 length + bytes) and `DeviceState`'s fields in
/// declaration order (`DeviceState.code`): 11 lanes vectors of 8 f32, two
/// of 8 u16, the record count u32 and the event time i64 — 396 bytes plus
/// the key. Format 2 keeps the tails' mean log-excess where format 1 kept
/// a mean excess in standard deviations (same layout, another meaning):
/// a format-1 file is refused as a format this build does not read.
///
/// The file's configuration is the key and the features (names and
/// sources, in order): their meaning is what the state is about. Detector
/// settings (--warmup, --flag-p, --no-stuck) may change between runs.
public enum ScoreState {
    public static let stage = "wear-score"
    public static let version: UInt32 = 2
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

    /// The devices of a state file, all checked here (a bad one is an
    /// error before any thread starts), each listed for the shard
    /// `shard(key)` picks among `shards`. The shards decode their own from
    /// the file's bytes (on their threads: first touch), so restoring holds
    /// the file and the states, not a third copy.
    static func restore(_ file: StateFile, configuration: ScoreConfiguration, shards: Int,
                        shard: (UnsafeRawBufferPointer) -> Int) throws(StateFileError) -> [RestoredPart] {
        try file.expect(stage: stage, version: version, configuration: Self.configuration(of: configuration))
        var reader = StateReader(file.body)
        let lanes = try reader.u32()
        guard lanes == configuration.features.count else {
            throw .body("\(lanes) lanes for \(configuration.features.count) features")
        }
        let count = try reader.u64()
        guard count <= UInt64(reader.remaining / (4 + stateBytes)) else { throw .truncated }
        var offsets = Array(repeating: [Int](), count: shards)
        for index in 0..<shards { offsets[index].reserveCapacity(Int(count) / shards + 64) }
        var scratch = DeviceState(configuration.parameters)
        for index in 0..<Int(count) {
            let start = reader.offset
            let key = try reader.bytes(Int(try reader.u32()))
            var decoder = DeviceStateDecoder(reader: reader)
            try scratch.code(&decoder)
            reader = decoder.reader
            if let problem = scratch.implausibility {
                throw .body("device \(index + 1) of \(count): \(problem)")
            }
            offsets[key.withUnsafeBytes { shard($0) }].append(start)
        }
        guard reader.isAtEnd else { throw .body("\(reader.remaining) bytes after the last device") }
        return offsets.map { RestoredPart(body: file.body, offsets: $0) }
    }

    /// The file for the shards' saved devices, as chunks to write in turn
    /// (the shards' bytes are not joined first: a save holds the state and
    /// one encoded copy of it, not three).
    static func chunks(configuration: ScoreConfiguration, saves: [ShardSave]) -> [[UInt8]] {
        var head = StateWriter()
        head.u32(UInt32(configuration.features.count))
        head.u64(UInt64(saves.reduce(0) { $0 + $1.devices }))
        return StateFile.chunks(stage: stage, version: version, configuration: Self.configuration(of: configuration),
                                body: [head.output] + saves.map(\.bytes))
    }

    /// Appends one device as the body stores it (what `RestoredPart` reads back).
    static func append(key: UnsafeRawBufferPointer, state: DeviceState, to encoder: inout DeviceStateEncoder) {
        encoder.writer.u32(UInt32(key.count))
        encoder.writer.bytes(key)
        var state = state
        try? state.code(&encoder) // encoding cannot fail
    }
}

/// One shard's devices in a state file that `ScoreState.restore` checked:
/// where each starts in the file's body (shared, not copied), in file order.
struct RestoredPart: Sendable {
    let body: ArraySlice<UInt8>
    let offsets: [Int]

    static let empty = RestoredPart(body: [], offsets: [])

    var count: Int { offsets.count }

    /// Calls `body` with each device's key and state, in file order.
    func forEach(parameters: DetectorParameters, _ visit: (UnsafeRawBufferPointer, DeviceState) -> Void) {
        var state = DeviceState(parameters)
        for offset in offsets {
            // Checked by `restore`: these reads cannot fail.
            var reader = StateReader(body[offset...])
            guard let length = try? reader.u32(), let key = try? reader.bytes(Int(length)) else { continue }
            var decoder = DeviceStateDecoder(reader: reader)
            guard (try? state.code(&decoder)) != nil else { continue }
            key.withUnsafeBytes { visit($0, state) }
        }
    }
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
    private let restored: Mutex<[RestoredPart]>
    private let saves: Mutex<[ShardSave?]>

    init(restored: [RestoredPart], shards: Int) {
        self.restored = Mutex(restored.isEmpty ? Array(repeating: .empty, count: shards) : restored)
        self.saves = Mutex(Array(repeating: nil, count: shards))
    }

    /// Shard `shard`'s restored devices, once (the memory goes with them).
    func takeRestored(shard: Int) -> RestoredPart {
        restored.withLock { all in
            defer { all[shard] = .empty }
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

    // On a little-endian machine a vector's memory is its lanes in file
    // order: one append of 32 bytes instead of 8 (saving 1M devices took
    // 5.4 s lane by lane, 3.3 s so, most of the rest writing and fsyncing).
    mutating func lanes(_ value: inout Lanes) {
        #if _endian(little)
        withUnsafeBytes(of: value) { writer.bytes($0) }
        #else
        for lane in 0..<Lanes.scalarCount { writer.f32(value[lane]) }
        #endif
    }
    mutating func counts(_ value: inout SIMD8<UInt16>) {
        #if _endian(little)
        withUnsafeBytes(of: value) { writer.bytes($0) }
        #else
        for lane in 0..<8 { writer.u16(value[lane]) }
        #endif
    }
    mutating func u32(_ value: inout UInt32) { writer.u32(value) }
    mutating func i64(_ value: inout Int64) { writer.i64(value) }
}

struct DeviceStateDecoder: DeviceStateCoder {
    var reader: StateReader

    mutating func lanes(_ value: inout Lanes) throws(StateFileError) {
        #if _endian(little)
        value = try reader.bytes(32).withUnsafeBytes { $0.loadUnaligned(as: Lanes.self) }
        #else
        for lane in 0..<Lanes.scalarCount { value[lane] = try reader.f32() }
        #endif
    }
    mutating func counts(_ value: inout SIMD8<UInt16>) throws(StateFileError) {
        #if _endian(little)
        value = try reader.bytes(16).withUnsafeBytes { $0.loadUnaligned(as: SIMD8<UInt16>.self) }
        #else
        for lane in 0..<8 { value[lane] = try reader.u16() }
        #endif
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
