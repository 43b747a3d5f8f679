import Foundation
import WearJOSE
import WearTools

/// Small simulations for the tests (debug builds are slow: keep fleets small).
enum SimSupport {
    /// A fixed master key: tests must not depend on the system RNG.
    static func masterKey() throws -> MasterKey {
        try MasterKey(bytes: (0..<32).map { UInt8($0 * 7 + 3) })
    }

    static func config(devices: Int = 20, duration: Int64 = 180_000, seed: UInt64 = 42, plain: Bool = true,
                       attacks: [String] = [], all: String? = nil) throws -> SimConfig {
        var config = SimConfig()
        config.devices = devices
        config.durationMs = duration
        config.seed = seed
        config.plain = plain
        for attack in attacks { try config.attacks.add(attack) }
        if let all { try config.attacks.addAll(all) }
        if plain { _ = config.attacks.removeEnvelopeAttacks() }
        return config
    }

    struct Run {
        let bytes: [UInt8]
        let lines: [[UInt8]]
        let labels: [AttackLabel]
    }

    /// Explicit 16-byte keys for an A128GCM fleet (derived keys are 32 bytes, A256GCM only).
    static func keys128(devices: Int) throws -> [String: DeviceKey] {
        var keys: [String: DeviceKey] = [:]
        for device in KeyTool.fleet(devices) {
            keys[device] = try DeviceKey(bytes: Array(device.utf8.prefix(16)) + Array(repeating: 0x5A, count: max(0, 16 - device.utf8.count)))
        }
        return keys
    }

    /// The key the simulator seals `kid` with for `enc` (nil: not a fleet member).
    static func key(for kid: String, enc: ContentEncryption, devices: Int) throws -> DeviceKey? {
        enc == .a256gcm ? try masterKey().deviceKey(for: kid) : try keys128(devices: devices)[kid]
    }

    static func run(_ config: SimConfig) throws -> Run {
        let keys: SimKeys? = config.plain ? nil
            : config.enc == .a256gcm ? .master(try masterKey()) : .table(try keys128(devices: config.devices))
        let simulator = try Simulator(config: config, keys: keys)
        let sink = MemorySink()
        try simulator.run(into: sink)
        return Run(bytes: sink.bytes, lines: sink.lines, labels: simulator.labels)
    }

    /// A parsed plaintext record (tests only; Foundation is fine here).
    static func object(_ line: [UInt8]) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
            throw TestFailure("not a JSON object: \(String(decoding: line, as: UTF8.self))")
        }
        return object
    }

    /// Tests/Fixtures/wear/<name>, found relative to this file.
    static func fixture(_ name: String) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/wear").appendingPathComponent(name)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Reading JSONSerialization values without caring how numbers are bridged.
enum JSONRead {
    static func int(_ value: Any?) -> Int? {
        (value as? NSNumber)?.intValue ?? value as? Int
    }

    static func double(_ value: Any?) -> Double? {
        (value as? NSNumber)?.doubleValue ?? value as? Double
    }

    static func doubles(_ value: Any?) -> [Double] {
        (value as? [Any])?.compactMap { double($0) } ?? []
    }

    static func text(_ value: Any?) -> String {
        value.map { "\($0)" } ?? "nil"
    }
}
