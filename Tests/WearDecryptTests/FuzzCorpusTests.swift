import Foundation
import Testing
import WearDecrypt
import WearDecryptFuzzing
import WearTesting

/// Replays the fuzz corpus (Tests/Fixtures/wear-decrypt-fuzz/corpus) through
/// the same checks as the libFuzzer target, so every input it ever kept
/// stays a regression test in ordinary `swift test` runs.
@Suite struct FuzzCorpusTests {
    static var corpus: URL { GoldenFixtures.root.appendingPathComponent("wear-decrypt-fuzz/corpus") }

    @Test func everyCorpusInputKeepsTheStagesPromises() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.corpus.path).sorted()
        #expect(names.count > 100)
        var fuzzing = DecryptFuzzing()
        for name in names {
            let input = try Data(contentsOf: Self.corpus.appendingPathComponent(name))
            #expect(fuzzing.run(Array(input)) == [], "corpus input \(name)")
        }
    }

    @Test func theChecksCatchABrokenPromise() {
        // A correctly sealed plaintext that is a JSON object with dev wr-fuzz must come out.
        var fuzzing = DecryptFuzzing()
        #expect(fuzzing.run(Array(#"{"dev":"wr-fuzz","hr":1}"#.utf8)) == [])
        #expect(fuzzing.run(Array("not json".utf8)) == [])
    }
}
