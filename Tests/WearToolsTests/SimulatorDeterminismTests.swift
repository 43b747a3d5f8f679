import Testing
import WearTools

@Suite("Simulator determinism")
struct SimulatorDeterminismTests {
    @Test("the same seed gives byte-identical output and labels", arguments: [true, false])
    func sameSeedSameBytes(plain: Bool) throws {
        let config = try SimSupport.config(devices: 15, duration: 120_000, plain: plain, all: "all:0.8")
        let first = try SimSupport.run(config)
        let second = try SimSupport.run(config)
        #expect(first.bytes.count > 10_000)
        #expect(first.bytes == second.bytes)
        #expect(first.labels == second.labels)
        #expect(!first.labels.isEmpty)
    }

    @Test("another seed gives other output")
    func otherSeedOtherBytes() throws {
        let first = try SimSupport.run(try SimSupport.config(seed: 1))
        let second = try SimSupport.run(try SimSupport.config(seed: 2))
        #expect(first.bytes != second.bytes)
    }

    @Test("sealed and plaintext runs carry the same records in the same order")
    func sealedMatchesPlain() throws {
        let plain = try SimSupport.run(try SimSupport.config(devices: 5, duration: 30_000))
        let sealed = try SimSupport.run(try SimSupport.config(devices: 5, duration: 30_000, plain: false))
        #expect(plain.lines.count == sealed.lines.count)
        #expect(sealed.lines.allSatisfy { $0.starts(with: Array("{\"jwe\":\"".utf8)) })
    }

    @Test("watches, bands and patches send their own fields, about 140 bytes a record on average")
    func deviceKinds() throws {
        let run = try SimSupport.run(try SimSupport.config(devices: 200, duration: 20_000))
        var kinds: [String: Int] = [:]
        for line in run.lines {
            let object = try SimSupport.object(line)
            let fields = Set(object.keys)
            #expect(fields.isSuperset(of: ["dev", "seq", "ts", "fw", "hr", "spo2", "bat", "rssi"]))
            let kind = fields.contains("gyro") ? "watch" : fields.contains("acc") ? "band" : "patch"
            kinds[kind, default: 0] += 1
            switch kind {
            case "watch": #expect(fields.isSuperset(of: ["temp", "acc", "steps"]))
            case "band": #expect(!fields.contains("temp") && fields.contains("steps"))
            default: #expect(fields.contains("temp") && !fields.contains("steps"))
            }
        }
        #expect(kinds.count == 3)
        let average = Double(run.bytes.count) / Double(run.lines.count) - 1
        #expect((125...160).contains(average))
    }

    @Test("every device sends about one record per interval, with ids wr-000001 up")
    func fleetShape() throws {
        let run = try SimSupport.run(try SimSupport.config(devices: 10, duration: 60_000))
        #expect((570...630).contains(run.lines.count))
        var devices: Set<String> = []
        for line in run.lines {
            let object = try SimSupport.object(line)
            devices.insert(object["dev"] as? String ?? "")
            #expect((95...200).contains(line.count))
        }
        #expect(devices == Set((1...10).map { "wr-" + String(repeating: "0", count: $0 < 10 ? 5 : 4) + "\($0)" }))
    }
}
