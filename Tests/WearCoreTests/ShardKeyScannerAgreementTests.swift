import Testing
@testable import WearCore

/// The key scanner never disagrees with a real parse on a line the record
/// layer accepts: checked on thousands of mutated records (byte flips,
/// inserted escapes, quotes and brackets), deterministic.
@Suite("ShardKeyScanner agrees with the parser")
struct ShardKeyScannerAgreementTests {
    static let seeds = [
        #"{"dev":"wr-000042","seq":1234,"ts":1763700000123,"acc":[0.01,-0.02,0.98],"meta":{"dev":"x","s":"a\"b"}}"#,
        #"{"seq":1,"note":"{\"dev\":\"fake\"}","dev":"wr-7","flags":["a","b"]}"#,
        #" { "dev" : "wr-\u0030" , "x" : [ { } , [ ] ] } "#,
        #"{"d\u0065v":"wr-1","dev2":"no"}"#,
    ]
    static let inserts: [[UInt8]] = [[0x5C], [0x22], [0x7B], [0x7D], [0x5B], [0x5D], [0x2C], [0x3A],
                                     Array(#"\u0064"#.utf8), Array(#""dev":"y","#.utf8), [0x20]]

    @Test func everyAcceptedMutantGetsTheParsersKey() {
        let scanner = ShardKeyScanner(member: "dev")
        let parser = JSONParser(capacity: 4096)
        var state: UInt64 = 12345
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33) % bound
        }
        var accepted = 0, disagreements: [String] = []
        for round in 0..<20_000 {
            var line = Array(Self.seeds[round % Self.seeds.count].utf8)
            for _ in 0..<(1 + next(3)) {
                let at = next(line.count + 1)
                if next(2) == 0, at < line.count {
                    line[at] = UInt8(truncatingIfNeeded: next(128))
                } else {
                    line.insert(contentsOf: Self.inserts[next(Self.inserts.count)], at: at)
                }
            }
            guard case .success(let root) = parser.parse(copying: line), root.isObject,
                  !line.withUnsafeBytes({ raw in root.hasDuplicateKeys(parsedFrom: raw) }) else { continue }
            accepted += 1
            let truth = root.member(named: "dev")?.stringBytes.map { Array($0) }
            let scanned: [UInt8]?? = line.withUnsafeBytes { raw in
                switch scanner.lookup(raw) {
                case .value(let range): .some(.some(Array(raw[range])))
                case .absent: .some(nil)
                case .undecided: nil
                }
            }
            if let scanned, scanned != truth {
                disagreements.append(String(decoding: line, as: UTF8.self))
            }
        }
        #expect(accepted > 2000, "enough mutants are valid records to mean something (\(accepted))")
        #expect(disagreements.isEmpty, "\(disagreements.prefix(3))")
    }
}
