import WearCore
import WearJOSE

extension Simulator {
    /// Sends device `index`'s next record (received at `time` ms after the
    /// start), schedules its following one, and applies its attack.
    func emitDeviceRecord<Sink: LineSink>(_ index: Int, receivedAt time: Int64, into sink: Sink) throws(WriteFailure) {
        let device = devices + index
        let send = device.pointee.nextSend
        let dt = max(0.001, (send - device.pointee.lastSend) / 1000)
        let kind = device.pointee.kind
        var sample = kind.mask(device.pointee.body.step(dt: dt, using: &device.pointee.rng))
        device.pointee.seq += 1
        let seq = device.pointee.seq
        var ts = device.pointee.deviceClock(send, startMs: config.startMs)
        let rx = device.pointee.claimRx(config.startMs + time)
        device.pointee.lastSample = sample
        device.pointee.lastTs = ts
        device.pointee.lastSend = send
        device.pointee.recordsSent += 1
        scheduleNext(device, index: index, after: send)

        var alteration = Alteration()
        let attack = device.pointee.attack
        if attack >= 0 {
            alteration = alter(&sample, ts: &ts, attack: attack, send: send, rogue: device.pointee.rogue, device: kind)
        }
        plain.removeAll()
        let firmware = DeviceProfile.firmware[device.pointee.profile.firmwareIndex]
        TelemetryFormatter.append(device: device.pointee.number, seq: seq, ts: ts, firmware: firmware, kind: kind,
                                  sample: sample, to: plain)
        if alteration.padTo > 0 {
            TelemetryFormatter.pad(to: alteration.padTo, seed: alteration.filler, buffer: plain)
        }
        let number: Int
        if let sealer {
            let kid = kidOfPlain()
            let iv = sealer.iv(stream: device.pointee.number, seq: seq, variant: 0)
            line.removeAll()
            line.append(Sealer.envelopeStart)
            let tokenStart = line.count
            sealer.seal(plain.bytes, kid: kid, fleetIndex: index, rogue: alteration.wrongKey || index >= config.devices,
                        iv: iv, into: line)
            if let draw = alteration.flip {
                Sealer.flipCiphertextBit(line.mutableBytes(from: tokenStart), draw: draw)
            }
            if alteration.capture {
                capture(Array(line.mutableBytes(from: tokenStart)), attack: attack, seq: seq, ts: ts, send: send)
            }
            Sealer.appendEnvelopeEnd(rx: rx, to: line)
            number = try write(line.bytes, into: sink)
        } else {
            number = try write(plain.bytes, into: sink)
            if alteration.capture { capture(plain.array, attack: attack, seq: seq, ts: ts, send: send) }
        }
        if alteration.altered {
            attacks[attack].label.add(line: number, seq: seq, ts: ts, rx: rx)
        }
    }

    @inline(__always)
    private func scheduleNext(_ device: UnsafeMutablePointer<DeviceState>, index: Int, after send: Double) {
        let next = send + config.intervalMs * (0.9 + 0.2 * device.pointee.rng.unit())
        device.pointee.nextSend = next
        let delay = device.pointee.receiveDelay()
        guard next < Double(config.durationMs) else { return }
        if device.pointee.rogue {
            let attack = attacks[device.pointee.attack].instance
            guard device.pointee.recordsSent < attack.maxRecords, next < attack.end else { return }
        }
        queue.push(time: Int64(next + delay), stream: index)
    }

    private func capture(_ bytes: [UInt8], attack: Int, seq: Int, ts: Int64, send: Double) {
        attacks[attack].captured.append(CapturedRecord(bytes: bytes, seq: seq, ts: ts, send: send))
    }

    /// Applies attack `attack` to one of its device's own records.
    private func alter(_ sample: inout Sample, ts: inout Int64, attack: Int, send: Double, rogue: Bool,
                       device: DeviceKind) -> Alteration {
        var result = Alteration()
        if rogue {
            result.altered = true
            result.wrongKey = true
            return result
        }
        let clean = sample
        let kind = attacks[attack].instance.kind
        switch kind {
        case .hrSpike, .tamperShock, .oversize, .badKey, .bitFlip, .replay:
            guard attacks[attack].countedActive(at: send) else { return result }
            attacks[attack].applied += 1
            applyCounted(kind, to: &sample, attack: attack, result: &result)
        case .sensorFreeze, .spoofFlat, .clockSkew:
            guard attacks[attack].windowActive(at: send) else { return result }
            applyWindowed(kind, to: &sample, ts: &ts, attack: attack, result: &result)
        case .flood, .unknownDevice:
            return result
        }
        sample = device.mask(sample)
        result.altered = result.altered || sample != clean
        return result
    }

    private func applyCounted(_ kind: AttackKind, to sample: inout Sample, attack: Int, result: inout Alteration) {
        switch kind {
        case .hrSpike:
            sample.hr = attacks[attack].rng.int(220, 300)
        case .tamperShock:
            var rng = attacks[attack].rng
            var direction = SIMD3(rng.gaussian(), rng.gaussian(), rng.gaussian())
            let length = (direction * direction).sum().squareRoot()
            direction = length > 1e-3 ? direction / length : SIMD3(0, 0, 1)
            let shock = direction * rng.uniform(8, 16) * 100
            sample.acc = SIMD3(Int(shock.x.rounded()), Int(shock.y.rounded()), Int(shock.z.rounded()))
            func spike() -> Int { Int((rng.uniform(300, 2000) * 10).rounded()) * (rng.chance(0.5) ? 1 : -1) }
            sample.gyro = SIMD3(spike(), spike(), spike())
            attacks[attack].rng = rng
        case .oversize:
            result.padTo = attacks[attack].rng.int(8 * 1024, 64 * 1024)
            result.filler = attacks[attack].rng.next()
            result.altered = true
        case .badKey:
            result.wrongKey = true
            result.altered = true
        case .bitFlip:
            result.flip = attacks[attack].rng.next()
            result.altered = true
        case .replay:
            result.capture = true
        default:
            break
        }
    }

    private func applyWindowed(_ kind: AttackKind, to sample: inout Sample, ts: inout Int64, attack: Int,
                               result: inout Alteration) {
        switch kind {
        case .sensorFreeze:
            guard let frozen = attacks[attack].frozen else {
                attacks[attack].frozen = sample
                return
            }
            sample.hr = frozen.hr
            sample.spo2 = frozen.spo2
            sample.temp = frozen.temp
            sample.acc = frozen.acc
            sample.gyro = frozen.gyro
            sample.steps = frozen.steps
        case .spoofFlat:
            let steps = attacks[attack].frozen?.steps ?? sample.steps
            if attacks[attack].frozen == nil { attacks[attack].frozen = sample }
            sample.hr = 70
            sample.spo2 = 98
            sample.temp = 330
            sample.acc = SIMD3(0, 0, 100)
            sample.gyro = SIMD3(0, 0, 0)
            sample.steps = steps
        case .clockSkew:
            ts += attacks[attack].instance.skewMs
            result.altered = true
        default:
            break
        }
    }
}
