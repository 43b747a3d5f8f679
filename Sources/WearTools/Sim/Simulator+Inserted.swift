import WearCore
import WearJOSE

extension Simulator {
    /// Sends the next line of an inserted stream (flood or replay).
    func emitInserted<Sink: LineSink>(_ attack: Int, receivedAt time: Int64, into sink: Sink) throws(WriteFailure) {
        switch attacks[attack].instance.kind {
        case .flood: try emitFlood(attack, receivedAt: time, into: sink)
        case .replay: try emitReplay(attack, receivedAt: time, into: sink)
        default: break
        }
    }

    /// A receive time after the device's last own record and the stream's
    /// last line, without moving the device's own clock (so its clean
    /// records are the same as in a run without the attack).
    private func claimInsertedRx(_ attack: Int, proposed: Int64) -> Int64 {
        let device = attacks[attack].deviceIndex
        let rx = max(proposed, devices[device].lastRx &+ 1, attacks[attack].lastRx &+ 1)
        attacks[attack].lastRx = rx
        return rx
    }

    private func insertedDelay(_ attack: Int) -> Double {
        let u = attacks[attack].rng.unit()
        return devices[attacks[attack].deviceIndex].profile.latencyMs + 25 * u * u
    }

    /// flood: the device's latest reading and seq again, with a fresh
    /// timestamp, `multiplier` times per interval.
    private func emitFlood<Sink: LineSink>(_ attack: Int, receivedAt time: Int64, into sink: Sink) throws(WriteFailure) {
        let instance = attacks[attack].instance
        let device = devices + attacks[attack].deviceIndex
        let spacing = config.intervalMs / Double(instance.multiplier)
        let copy = attacks[attack].cursor
        let send = instance.start + Double(copy) * spacing
        attacks[attack].cursor += 1
        if let sample = device.pointee.lastSample {
            let seq = device.pointee.seq
            let ts = device.pointee.deviceClock(send, startMs: config.startMs)
            let rx = claimInsertedRx(attack, proposed: config.startMs + time)
            plain.removeAll()
            let firmware = DeviceProfile.firmware[device.pointee.profile.firmwareIndex]
            TelemetryFormatter.append(device: device.pointee.number, seq: seq, ts: ts, firmware: firmware,
                                      kind: device.pointee.kind, sample: sample, to: plain)
            let number: Int
            if let sealer {
                let kid = kidOfPlain()
                let iv = sealer.iv(stream: device.pointee.number, seq: seq, variant: copy + 1)
                line.removeAll()
                line.append(Sealer.envelopeStart)
                sealer.seal(plain.bytes, kid: kid, fleetIndex: attacks[attack].deviceIndex, rogue: false, iv: iv, into: line)
                Sealer.appendEnvelopeEnd(rx: rx, to: line)
                number = try write(line.bytes, into: sink)
            } else {
                number = try write(plain.bytes, into: sink)
            }
            attacks[attack].label.add(line: number, seq: seq, ts: ts, rx: rx)
        }
        let next = instance.start + Double(copy + 1) * spacing
        let delay = insertedDelay(attack)
        if next < instance.end, next < Double(config.durationMs) {
            queue.push(time: Int64(next + delay), stream: deviceCount + attack)
        }
    }

    /// replay: the captured lines (plaintext) or tokens (sealed, in a new
    /// envelope with the new receive time) again, at their original spacing.
    private func emitReplay<Sink: LineSink>(_ attack: Int, receivedAt time: Int64, into sink: Sink) throws(WriteFailure) {
        let index = attacks[attack].cursor
        guard index < attacks[attack].captured.count else { return }
        attacks[attack].cursor += 1
        let record = attacks[attack].captured[index]
        let rx = claimInsertedRx(attack, proposed: config.startMs + time)
        let number: Int
        if sealer != nil {
            line.removeAll()
            record.bytes.withUnsafeBytes { Sealer.appendEnvelope(token: $0, rx: rx, to: line) }
            number = try write(line.bytes, into: sink)
        } else {
            line.removeAll()
            line.append(record.bytes)
            number = try write(line.bytes, into: sink)
        }
        attacks[attack].label.add(line: number, seq: record.seq, ts: record.ts, rx: rx)
        let delay = insertedDelay(attack)
        let captured = attacks[attack].captured
        guard index + 1 < captured.count else { return }
        let next = attacks[attack].instance.replayAt + (captured[index + 1].send - captured[0].send)
        if next < Double(config.durationMs) {
            queue.push(time: Int64(next + delay), stream: deviceCount + attack)
        }
    }
}
