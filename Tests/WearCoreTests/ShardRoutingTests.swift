import Testing
import WearCore

@Suite("Shard routing: key hash and key scanner")
struct ShardRoutingTests {
    @Test func theSameSeedGivesTheSameHashAndAnotherSeedAnother() {
        let one = ShardHash(seed: 42), again = ShardHash(seed: 42), other = ShardHash(seed: 43)
        #expect(one.hash("wr-000042") == again.hash("wr-000042"))
        #expect(one.hash("wr-000042") != other.hash("wr-000042"))
        #expect(one.hash("wr-000042") != one.hash("wr-000043"))
        #expect(one.hash("") != one.hash("\0"), "length counts")
        #expect(one.hash("abcdefgh") != one.hash("abcdefgh\0"))
    }

    @Test(arguments: [1, 2, 3, 8])
    func spreadsDeviceIDsEvenlyOverShards(shards: Int) {
        let hash = ShardHash(seed: 7)
        var counts = [Int](repeating: 0, count: shards)
        let devices = 40_000
        for device in 0..<devices {
            let shard = ShardHash.shard(of: hash.hash("wr-\(device)"), among: shards)
            counts[shard] += 1
        }
        let fair = devices / shards
        #expect(counts.allSatisfy { abs($0 - fair) < fair / 20 }, "\(counts)")
    }

    @Test func theShardIsAlwaysInRange() {
        #expect(ShardHash.shard(of: .max, among: 8) == 7)
        #expect(ShardHash.shard(of: 0, among: 8) == 0)
        #expect(ShardHash.shard(of: .max, among: 1) == 0)
    }

    @Test(arguments: [
        (#"{"dev":"wr-1","seq":1}"#, "wr-1"),
        (#"{"seq":1,"dev":"wr-2"}"#, "wr-2"),
        (#" { "seq" : 1 , "dev" : "wr-3" } "#, "wr-3"),
        (#"{"meta":{"dev":"inner","x":[1,"}",{"dev":"deeper"}]},"dev":"outer"}"#, "outer"),
        (#"{"note":"a \"dev\":\"fake\" inside","dev":"real"}"#, "real"),
        (#"{"devs":"no","de":"no","dev":""}"#, ""),
        (#"{"acc":[0.01,-0.02,0.98],"ok":true,"n":null,"dev":"wr-4"}"#, "wr-4"),
    ])
    func findsTheTopLevelKeyWithoutParsing(line: String, key: String) {
        #expect(scan(line) == .found(key))
    }

    @Test(arguments: [
        #"{"seq":1}"#,
        #"{}"#,
        #"{"dev":42}"#,
        #"{"dev":null,"x":1}"#,
        #"{"meta":{"dev":"inner"}}"#,
    ])
    func reportsAbsentWhenTheObjectHasNoStringKey(line: String) {
        #expect(scan(line) == .absent)
    }

    @Test(arguments: [
        #"{"d\u0065v":"wr-1"}"#,     // an escaped name may spell the key
        #"{"dev":"wr-\u0030001"}"#,  // an escaped value is decoded by the parser
        #"[1,2]"#,
        #"not json"#,
        #"{"dev":"unterminated"#,
        #"{"seq":1 "dev":"x"}"#,
        #"{"a":[1,2"#,
        "",
    ])
    func leavesUnusualLinesToTheParser(line: String) {
        #expect(scan(line) == .undecided)
    }

    enum Outcome: Equatable { case found(String), absent, undecided }

    func scan(_ line: String) -> Outcome {
        let scanner = ShardKeyScanner(member: "dev")
        let bytes = Array(line.utf8)
        return bytes.withUnsafeBytes { raw in
            switch scanner.lookup(raw) {
            case .value(let range): .found(String(decoding: raw[range], as: UTF8.self))
            case .absent: .absent
            case .undecided: .undecided
            }
        }
    }
}

@Suite("ReorderBuffer")
struct ReorderBufferTests {
    @Test func releasesOnlyTheNextSequence() {
        var buffer = ReorderBuffer<String>()
        buffer.insert("c", at: 2)
        buffer.insert("b", at: 1)
        #expect(buffer.popNext() == nil)
        buffer.insert("a", at: 0)
        #expect([buffer.popNext(), buffer.popNext(), buffer.popNext()] == ["a", "b", "c"])
        #expect(buffer.popNext() == nil)
        #expect(buffer.next == 3 && buffer.isEmpty)
    }

    @Test func growsForAWideWindowAndKeepsOrder() {
        var buffer = ReorderBuffer<Int>(first: 100)
        let order = (100..<400).reversed()
        for sequence in order { buffer.insert(sequence * 10, at: sequence) }
        #expect(buffer.count == 300)
        var released: [Int] = []
        while let value = buffer.popNext() { released.append(value) }
        #expect(released == (100..<400).map { $0 * 10 })
    }

    @Test func interleavedInsertsAndPopsAcrossTheRingEdge() {
        var buffer = ReorderBuffer<Int>()
        var released: [Int] = []
        for base in stride(from: 0, to: 200, by: 4) {
            for sequence in [base + 3, base + 1, base, base + 2] {
                buffer.insert(sequence, at: sequence)
                while let value = buffer.popNext() { released.append(value) }
            }
        }
        #expect(released == Array(0..<200))
    }
}
