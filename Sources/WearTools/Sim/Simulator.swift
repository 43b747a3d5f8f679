import WearCore
import WearJOSE

/// The fleet simulator: devices and attack streams on one event queue,
/// ordered by the edge's receive time, each record written into a reused
/// buffer and sealed or not. Deterministic: the configuration (seed
/// included) fixes every byte of the output and of the labels.
///
/// Random streams are separate per device, per attack instance, for the
/// plan and for IVs, so a run with attacks differs from the same run
/// without them exactly in the labelled lines.
public final class Simulator {
    public let config: SimConfig
    public let plan: [AttackInstance]
    let sealer: Sealer?
    let devices: UnsafeMutablePointer<DeviceState>
    let deviceCount: Int
    var attacks: [AttackRuntime] = []
    var queue: EventQueue
    let plain = ByteBuffer(capacity: 1 << 17)
    let line = ByteBuffer(capacity: 1 << 18)
    /// Lines written so far; the current line's number once written.
    public private(set) var linesWritten = 0

    /// A simulator for `config`; sealed output needs `masterKey`.
    public convenience init(config: SimConfig, masterKey: MasterKey?) throws(SimConfigError) {
        try self.init(config: config, keys: masterKey.map { .master($0) })
    }

    /// A simulator for `config`; sealed output needs `keys` whose length fits `config.enc`.
    public init(config: SimConfig, keys: SimKeys?) throws(SimConfigError) {
        try config.validate()
        guard config.plain || keys != nil else {
            throw SimConfigError("sealed output needs --master-key FILE (make one with `wear keys new`), or pass --plain")
        }
        if !config.plain, let keys { try Self.check(keys, config: config) }
        self.config = config
        plan = AttackPlan.make(config)
        sealer = config.plain ? nil : keys.map {
            Sealer(keys: $0, enc: config.enc, seed: config.seed, devices: config.devices)
        }
        let rogues = plan.filter { !$0.kind.usesFleetDevice }
        deviceCount = config.devices + rogues.count
        guard deviceCount + plan.count < EventQueue.maxStreams else {
            throw SimConfigError("too many devices and attacks for one simulation")
        }
        queue = EventQueue(capacity: deviceCount + plan.count)
        devices = .allocate(capacity: deviceCount)
        for index in 0..<config.devices {
            let seed = SplitMix64.derive(config.seed, .device, UInt64(index + 1))
            let kind = DeviceKind.of(seed: config.seed, number: index + 1)
            (devices + index).initialize(to: DeviceState(number: index + 1, kind: kind, seed: seed,
                                                         intervalMs: config.intervalMs))
        }
        var nextRogue = config.devices
        for instance in plan {
            var deviceIndex = instance.deviceNumber - 1
            if !instance.kind.usesFleetDevice {
                deviceIndex = nextRogue
                nextRogue += 1
                var intruder = DeviceState(number: instance.deviceNumber,
                                           kind: DeviceKind.of(seed: config.seed, number: instance.deviceNumber),
                                           seed: SplitMix64.mix(instance.seed),
                                           intervalMs: config.intervalMs, firstSend: instance.start)
                intruder.rogue = true
                (devices + deviceIndex).initialize(to: intruder)
            }
            devices[deviceIndex].attack = attacks.count
            attacks.append(AttackRuntime(instance: instance, deviceIndex: deviceIndex, sealed: sealer != nil))
        }
        scheduleFirstEvents()
    }

    deinit {
        devices.deinitialize(count: deviceCount)
        devices.deallocate()
    }

    private func scheduleFirstEvents() {
        for index in 0..<deviceCount {
            let device = devices + index
            let send = device.pointee.nextSend
            guard send < Double(config.durationMs) else { continue }
            let delay = device.pointee.receiveDelay()
            queue.push(time: Int64(send + delay), stream: index)
        }
        for (offset, attack) in attacks.enumerated() {
            let kind = attack.instance.kind
            guard kind == .flood || kind == .replay else { continue }
            let first = kind == .flood ? attack.instance.start : attack.instance.replayAt
            guard first < Double(config.durationMs) else { continue }
            queue.push(time: Int64(first + devices[attack.deviceIndex].profile.latencyMs), stream: deviceCount + offset)
        }
    }

    /// Runs the whole simulation into `sink` (the caller flushes it), or
    /// until the observer asks to stop: always between two records, so the
    /// output ends with a whole line and the labels cover exactly what was written.
    public func run<Sink: LineSink, Observer: SimObserver>(into sink: Sink, observer: inout Observer) throws(WriteFailure) {
        while !observer.stopRequested, let key = queue.popMin() {
            let time = EventQueue.time(of: key)
            let stream = EventQueue.stream(of: key)
            try observer.willEmit(eventTime: config.startMs + time, lines: linesWritten)
            if stream < deviceCount {
                try emitDeviceRecord(stream, receivedAt: time, into: sink)
            } else {
                try emitInserted(stream - deviceCount, receivedAt: time, into: sink)
            }
        }
    }

    /// Runs without an observer.
    public func run<Sink: LineSink>(into sink: Sink) throws(WriteFailure) {
        var observer = SilentObserver()
        try run(into: sink, observer: &observer)
    }

    /// The ground truth: one label per attack that altered or inserted at
    /// least one line, in plan order. Complete after `run`.
    public var labels: [AttackLabel] {
        attacks.map(\.label).filter { !$0.lines.isEmpty }
    }

    /// Writes one finished line and returns its number.
    @inline(__always)
    func write<Sink: LineSink>(_ bytes: UnsafeRawBufferPointer, into sink: Sink) throws(WriteFailure) -> Int {
        try sink.appendLine(bytes)
        linesWritten += 1
        return linesWritten
    }

    /// The device id at the start of the plaintext record in `plain` (a small String, no allocation).
    @inline(__always)
    func kidOfPlain() -> String {
        let bytes = plain.bytes
        var end = 8
        while end < bytes.count, bytes[end] != UInt8(ascii: "\"") { end += 1 }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[8..<end]), as: UTF8.self)
    }
}
