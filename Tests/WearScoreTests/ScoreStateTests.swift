import Glibc
import Testing
import WearCore
import WearTesting
@testable import WearScore

/// The state body: a device's every field survives encoding, devices are
/// placed in the shard this run routes them to, least recently seen first,
/// and values no detector could make are refused.
@Suite struct ScoreStateTests {
    static let configuration = try! ScoreConfiguration(features: [Feature(name: "v", source: .expression("v"))], key: "dev")

    /// A state that has learned from a few values (every field off its initial value).
    static func learned(_ values: [Float]) -> DeviceState {
        let detector = Detector(parameters: configuration.parameters, stuckLanes: configuration.stuckLanes)
        var state = DeviceState(configuration.parameters)
        for value in values {
            var x = Lanes(repeating: .nan)
            x[0] = value
            _ = detector.step(&state, x)
        }
        state.time = 1_764_000_000_123
        return state
    }

    static func encode(_ devices: [(String, DeviceState)]) throws -> StateFile {
        var encoder = DeviceStateEncoder(writer: StateWriter())
        for (key, state) in devices {
            Array(key.utf8).withUnsafeBytes { ScoreState.append(key: $0, state: state, to: &encoder) }
        }
        let saves = [ShardSave(devices: devices.count, bytes: encoder.writer.output)]
        return try StateFile(decoding: ScoreState.chunks(configuration: configuration, saves: saves).flatMap { $0 })
    }

    static func fields(_ state: DeviceState) -> [Float] {
        let lanes = [state.mean, state.variance, state.changeMean, state.changeVariance, state.last, state.repeatRate,
                     state.run, state.levelRate, state.levelExcess, state.changeRate, state.changeExcess]
        return lanes.flatMap { v in (0..<8).map { v[$0] } } + (0..<8).map { Float(state.values[$0]) + Float(state.changes[$0]) }
            + [Float(state.records), Float(state.time)]
    }

    /// A restored part's devices, decoded as its shard does.
    static func devices(_ part: RestoredPart) -> [(key: String, state: DeviceState)] {
        var devices: [(key: String, state: DeviceState)] = []
        part.forEach(parameters: configuration.parameters) { key, state in devices.append((String(decoding: key, as: UTF8.self), state)) }
        return devices
    }

    @Test func everyFieldSurvivesAndDevicesGoToTheirShardInRecencyOrder() throws {
        let states = (0..<50).map { Self.learned((0..<(10 + $0)).map { Float($0 % 7) * 1.5 + 60 }) }
        let keys = (0..<50).map { "device-\($0)" }
        let file = try StateFile(decoding: Self.encode(Array(zip(keys, states))).encoded())
        let sharding = ShardingOptions(key: "dev", workers: 3)
        let parts = try ScoreState.restore(file, configuration: Self.configuration, shards: 3) { sharding.shard(forKey: $0) }
        #expect(parts.map(\.count).reduce(0, +) == 50)
        var seen: [String: Int] = [:]
        for (shard, part) in parts.enumerated() {
            var previous = -1
            for device in Self.devices(part) {
                let key = device.key
                #expect(key.withCString { sharding.shard(forKey: UnsafeRawBufferPointer(start: $0, count: strlen($0))) } == shard)
                let index = try #require(keys.firstIndex(of: key))
                #expect(index > previous, "file order (least recent first) kept within a shard")
                previous = index
                seen[key] = index
                let expected = Self.fields(states[index]), got = Self.fields(device.state)
                #expect(zip(expected, got).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }, "\(key)")
            }
        }
        #expect(seen.count == 50)
    }

    @Test func theIntervalSavesEveryShardsDevicesLeastRecentFirst() throws {
        let path = "/tmp/wear-score-state-test-\(getpid()).state"
        defer { unlink(path) }
        let sharding = ShardingOptions(key: "dev", workers: 2)
        let stage = try ScoreStage(configuration: Self.configuration, sharding: sharding,
                                   state: ScoreStateOptions(path: path, interval: .seconds(60)))
        let harness = try StageHarness(stage)
        try harness.feed(lines: ["a", "b", "c", "a", "d"].enumerated().map { #"{"dev":"\#($1)","ts":\#(1000 * $0),"v":\#($0)}"# })
        #expect(try harness.serve { $0.outcome.output.split(separator: "\n").count == 5 })
        #expect(access(path, F_OK) != 0, "nothing saved before the interval")
        try harness.advance(by: .seconds(60))
        #expect(try harness.serve { _ in access(path, F_OK) == 0 })
        let file = try #require(try StateFile.read(path))
        let parts = try ScoreState.restore(file, configuration: Self.configuration, shards: 1) { _ in 0 }
        let order = Self.devices(parts[0]).map(\.key)
        #expect(Set(order) == ["a", "b", "c", "d"])
        let records = Dictionary(uniqueKeysWithValues: Self.devices(parts[0]).map { ($0.key, $0.state.records) })
        #expect(records == ["a": 2, "b": 1, "c": 1, "d": 1])
        for shard in 0..<2 {
            // Within one saved shard the devices are least recently seen first.
            let mine = order.filter { key in key.withCString { sharding.shard(forKey: UnsafeRawBufferPointer(start: $0, count: strlen($0))) } == shard }
            let lastSeen = ["b": 1, "c": 2, "a": 3, "d": 4]
            #expect(mine == mine.sorted { lastSeen[$0]! < lastSeen[$1]! }, "shard \(shard): \(mine)")
        }
        let outcome = try harness.finish()
        #expect(outcome.output.split(separator: "\n").count == 5)
    }

    @Test func implausibleValuesAndWrongShapesAreRefused() throws {
        var state = Self.learned([1, 2, 3])
        state.variance[0] = -1
        #expect(throws: StateFileError.body("device 1 of 1: a variance is negative or not finite")) {
            try ScoreState.restore(try Self.encode([("x", state)]), configuration: Self.configuration, shards: 1) { _ in 0 }
        }
        state = Self.learned([1, 2, 3])
        state.repeatRate[2] = 2
        #expect(throws: StateFileError.body("device 1 of 1: a rate is outside [0, 1]")) {
            try ScoreState.restore(try Self.encode([("x", state)]), configuration: Self.configuration, shards: 1) { _ in 0 }
        }
        var file = try Self.encode([("x", Self.learned([1]))])
        file.body += [0]
        #expect(throws: StateFileError.body("1 bytes after the last device")) {
            try ScoreState.restore(file, configuration: Self.configuration, shards: 1) { _ in 0 }
        }
        file = try Self.encode([("x", Self.learned([1]))])
        file.body.removeLast()
        #expect(throws: StateFileError.truncated) {
            try ScoreState.restore(file, configuration: Self.configuration, shards: 1) { _ in 0 }
        }
        let two = try ScoreConfiguration(features: [Feature(name: "v", source: .expression("v")), Feature(name: "dt", source: .interArrival)])
        #expect(ScoreState.configuration(of: two) == "key=dev features=v,dt")
        #expect(throws: StateFileError.self) {
            try ScoreState.restore(try Self.encode([]), configuration: two, shards: 1) { _ in 0 }
        }
    }

    /// Format 2 changed what the tails' excess means (a mean log-excess, not
    /// a mean excess in sd) without changing the layout: a format-1 file is
    /// refused by its format number, with the way out in the message.
    @Test func aFormatOneFileIsRefusedByItsFormat() throws {
        let current = try Self.encode([("x", Self.learned([1, 2, 3]))])
        let old = StateFile.chunks(stage: ScoreState.stage, version: 1,
                                   configuration: ScoreState.configuration(of: Self.configuration), body: [Array(current.body)])
        let file = try StateFile(decoding: old.flatMap { $0 })
        #expect(throws: StateFileError.unsupported("wear-score state format 1; this build reads format 2")) {
            try ScoreState.restore(file, configuration: Self.configuration, shards: 1) { _ in 0 }
        }
        #expect(StateFileError.unsupported("").failure(path: "s").message.contains("--state-reset"))
    }
}
