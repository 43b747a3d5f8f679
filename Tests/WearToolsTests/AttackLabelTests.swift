import Foundation
import Testing
import WearJOSE
import WearTools

@Suite("Attack labels")
struct AttackLabelTests {
    /// Runs a fleet with and without attacks (same seed) and returns both, plus the lines each label names.
    private func compare(plain: Bool) throws -> (clean: SimSupport.Run, attacked: SimSupport.Run) {
        let clean = try SimSupport.run(try SimSupport.config(devices: 24, duration: 240_000, plain: plain))
        let attacked = try SimSupport.run(try SimSupport.config(devices: 24, duration: 240_000, plain: plain, all: "all:0.9"))
        return (clean, attacked)
    }

    @Test("labelled lines are exactly the lines the attacks altered or inserted", arguments: [true, false])
    func labelsAreExact(plain: Bool) throws {
        let (clean, attacked) = try compare(plain: plain)
        let kinds = Set(attacked.labels.map(\.attack))
        #expect(kinds.count == (plain ? 9 : 11))
        var inserted: Set<Int> = []
        var altered: Set<Int> = []
        for label in attacked.labels {
            let insertsLines = AttackKind(rawValue: label.attack)?.insertsLines ?? false
            for line in label.lines {
                #expect(!inserted.contains(line) && !altered.contains(line), "line \(line) is in two labels")
                if insertsLines { inserted.insert(line) } else { altered.insert(line) }
            }
        }
        let kept = attacked.lines.enumerated().filter { !inserted.contains($0.offset + 1) }
        #expect(kept.count == clean.lines.count)
        var differing: Set<Int> = []
        for (keptLine, cleanLine) in zip(kept, clean.lines) where keptLine.element != cleanLine {
            differing.insert(keptLine.offset + 1)
        }
        #expect(differing == altered)
        #expect(attacked.lines.count == clean.lines.count + inserted.count)
    }

    @Test("each attack alters records the way it says")
    func attacksLookRight() throws {
        let (clean, attacked) = try compare(plain: true)
        let cleanBySeq = try Dictionary(clean.lines.map { line -> (String, [String: Any]) in
            let object = try SimSupport.object(line)
            return ("\(JSONRead.text(object["dev"]))#\(JSONRead.text(object["seq"]))", object)
        }) { first, _ in first }
        for label in attacked.labels {
            let records = try label.lines.map { try SimSupport.object(attacked.lines[$0 - 1]) }
            #expect(records.allSatisfy { $0["dev"] as? String == label.dev })
            #expect(zip(records, label.seqs).allSatisfy { JSONRead.int($0["seq"]) == $1 })
            #expect(label.start <= label.end)
            switch AttackKind(rawValue: label.attack) {
            case .hrSpike:
                #expect(records.allSatisfy { (220...300).contains(JSONRead.int($0["hr"]) ?? 0) })
            case .tamperShock:
                for record in records {
                    let acc = JSONRead.doubles(record["acc"])
                    let magnitude = acc.map { $0 * $0 }.reduce(0, +).squareRoot()
                    #expect((7.95...16.05).contains(magnitude))
                    #expect(JSONRead.doubles(record["gyro"]).allSatisfy { abs($0) >= 300 })
                }
            case .sensorFreeze:
                let frozen = records.map { record in
                    ["hr", "spo2", "temp", "acc", "gyro", "steps"].map { JSONRead.text(record[$0]) }.joined(separator: "|")
                }
                #expect(Set(frozen).count == 1)
            case .spoofFlat:
                #expect(records.allSatisfy { JSONRead.int($0["hr"]) == 70 && [[], [0, 0, 1]].contains(JSONRead.doubles($0["acc"])) })
            case .clockSkew:
                for record in records {
                    let original = cleanBySeq["\(label.dev)#\(JSONRead.text(record["seq"]))"]
                    let skew = abs((JSONRead.int(record["ts"]) ?? 0) - (JSONRead.int(original?["ts"]) ?? 0))
                    #expect(skew >= 3_600_000 && skew <= 13 * 3_600_000)
                }
            case .oversize:
                #expect(label.lines.allSatisfy { (8 * 1024...64 * 1024).contains(attacked.lines[$0 - 1].count) })
            case .replay:
                for line in label.lines {
                    #expect(attacked.lines[..<(line - 1)].contains(attacked.lines[line - 1]))
                }
            case .flood:
                #expect(label.count >= 50)
                #expect(Set(label.seqs).count < label.count)
            case .unknownDevice:
                #expect(label.dev >= "wr-900001")
                #expect(label.count >= 10)
            case .badKey, .bitFlip, nil:
                Issue.record("unexpected attack \(label.attack) in a plaintext run")
            }
        }
    }

    @Test("sealed attacks on envelopes fail to open, every other envelope opens")
    func envelopeAttacksFailToOpen() throws {
        let run = try SimSupport.run(try SimSupport.config(devices: 12, duration: 120_000, plain: false,
                                                           attacks: ["bad_key:0.1", "bit_flip:0.1", "unknown_device:0.1"]))
        let master = try SimSupport.masterKey()
        let broken = Set(run.labels.flatMap(\.lines))
        #expect(broken.count >= 3)
        for (offset, line) in run.lines.enumerated() {
            let object = try SimSupport.object(line)
            let token = object["jwe"] as? String ?? ""
            let opened = JWE.open(token) { master.deviceKey(for: $0.kid) }
            if case .success = opened {
                #expect(!broken.contains(offset + 1), "labelled line \(offset + 1) opened")
            } else {
                #expect(broken.contains(offset + 1), "unlabelled line \(offset + 1) did not open")
            }
        }
    }
}
