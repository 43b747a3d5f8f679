/// Plans a simulation's attacks from its configuration and seed alone:
/// which devices (distinct fleet members, chosen by a seeded shuffle), when
/// (inside the run, clear of its first and last 5 %), and how.
public enum AttackPlan {
    /// The instances, in canonical attack order then device choice; ids 1...
    public static func make(_ config: SimConfig) -> [AttackInstance] {
        let counts = config.attacks.counts(devices: config.devices)
        var victims = VictimDraw(devices: config.devices, seed: SplitMix64.derive(config.seed, .attackPlan))
        let rogueBase = config.devices < 900_000 ? 900_000 : config.devices
        var instances: [AttackInstance] = []
        var rogues = 0
        for (kind, count) in counts {
            for _ in 0..<count {
                let number: Int
                if kind.usesFleetDevice {
                    guard let victim = victims.next(where: { kind.canAttack(DeviceKind.of(seed: config.seed, number: $0 + 1)) })
                    else { break }
                    number = victim + 1
                } else {
                    rogues += 1
                    number = rogueBase + rogues
                }
                let id = instances.count + 1
                instances.append(instance(id: id, kind: kind, deviceNumber: number, config: config))
            }
        }
        return instances
    }

    /// Distinct device indices in a seeded random order (a lazy Fisher-Yates
    /// shuffle); indices skipped for not fitting an attack go to later ones.
    struct VictimDraw {
        private var pool: ContiguousArray<Int32>
        private var position = 0
        private var skipped: [Int] = []
        private var rng: Xoshiro256

        init(devices: Int, seed: UInt64) {
            pool = ContiguousArray(unsafeUninitializedCapacity: devices) { buffer, initialized in
                for index in 0..<devices { buffer[index] = Int32(index) }
                initialized = devices
            }
            rng = Xoshiro256(seed: seed)
        }

        /// The next unused index that satisfies `fits`, or nil when none is left.
        mutating func next(where fits: (Int) -> Bool) -> Int? {
            if let index = skipped.firstIndex(where: fits) { return skipped.remove(at: index) }
            while position < pool.count {
                pool.swapAt(position, rng.int(position, pool.count - 1))
                let candidate = Int(pool[position])
                position += 1
                if fits(candidate) { return candidate }
                skipped.append(candidate)
            }
            return nil
        }
    }

    private static func instance(id: Int, kind: AttackKind, deviceNumber: Int, config: SimConfig) -> AttackInstance {
        let seed = SplitMix64.derive(config.seed, .attack, UInt64(id))
        var rng = Xoshiro256(seed: seed)
        let duration = Double(config.durationMs)
        let interval = config.intervalMs
        func place(_ length: Double) -> (Double, Double) {
            let fitted = min(length, 0.9 * duration)
            let start = rng.uniform(0.05 * duration, 0.95 * duration - fitted)
            return (start, start + fitted)
        }
        func counted(_ low: Int, _ high: Int) -> AttackInstance {
            let records = rng.int(low, high)
            let (start, _) = place(Double(records) * interval * 1.2)
            return AttackInstance(id: id, kind: kind, deviceNumber: deviceNumber, start: start, end: .infinity,
                                  maxRecords: records, seed: seed)
        }
        func windowed(_ length: Double) -> AttackInstance {
            let (start, end) = place(length)
            return AttackInstance(id: id, kind: kind, deviceNumber: deviceNumber, start: start, end: end,
                                  maxRecords: .max, seed: seed)
        }
        switch kind {
        case .hrSpike: return counted(2, 6)
        case .tamperShock: return counted(1, 4)
        case .oversize, .bitFlip: return counted(1, 3)
        case .badKey: return counted(1, 5)
        case .sensorFreeze: return windowed(60_000)
        case .spoofFlat: return windowed(rng.uniform(120_000, 300_000))
        case .clockSkew:
            var attack = windowed(rng.uniform(30_000, 300_000))
            let hours = Int64(rng.int(1, 12)) * 3_600_000 + Int64(rng.int(0, 3_599_999))
            attack.skewMs = rng.chance(0.5) ? hours : -hours
            return attack
        case .flood:
            var attack = windowed(rng.uniform(5_000, 30_000))
            attack.multiplier = rng.int(50, 100)
            return attack
        case .unknownDevice:
            let records = rng.int(10, 60)
            let (start, end) = place(Double(records) * interval * 1.1)
            return AttackInstance(id: id, kind: kind, deviceNumber: deviceNumber, start: start, end: end,
                                  maxRecords: records, seed: seed)
        case .replay:
            let records = rng.int(5, 20)
            let capture = Double(records) * interval * 1.2
            let delay = max(1_000, min(rng.uniform(60_000, 300_000), 0.9 * duration - 2 * capture))
            let (start, _) = place(2 * capture + delay)
            var attack = AttackInstance(id: id, kind: kind, deviceNumber: deviceNumber, start: start, end: .infinity,
                                        maxRecords: records, seed: seed)
            attack.replayAt = start + capture + delay
            return attack
        }
    }
}
