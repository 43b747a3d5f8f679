import Testing
import WearCore
import WearTools

@Suite("Label index")
struct LabelIndexTests {
    private func replayLabel(sealed: Bool) -> AttackLabel {
        var label = AttackLabel(id: 1, attack: "replay", dev: "wr-000004", sealed: sealed)
        label.lines = [30, 31]
        label.seqs = [400, 401]
        label.ts = [1000, 2000]
        if sealed { label.rx = [90_000, 91_000] }
        return label
    }

    @Test("a plaintext replay's first sighting is the clean original, later ones the copies")
    func plaintextReplaysByOrder() {
        var index = LabelIndex(labels: [replayLabel(sealed: false)])
        let record = RecordIdentity(dev: "wr-000004", seq: 400, ts: 1000)
        #expect(index.match(record) == nil)
        #expect(index.match(record) == LabelIndex.Hit(label: 0, entry: 0))
        #expect(index.match(RecordIdentity(dev: "wr-000004", seq: 402, ts: 3000)) == nil)
    }

    @Test("a sealed replay is told from its original by rx")
    func sealedReplaysByRx() {
        var index = LabelIndex(labels: [replayLabel(sealed: true)])
        #expect(index.match(RecordIdentity(dev: "wr-000004", seq: 400, ts: 1000, rx: 1050)) == nil)
        #expect(index.match(RecordIdentity(dev: "wr-000004", seq: 401, ts: 2000, rx: 91_000)) == LabelIndex.Hit(label: 0, entry: 1))
        #expect(index.match(RecordIdentity(dev: "wr-000004", rx: 90_000)) == LabelIndex.Hit(label: 0, entry: 0))
    }

    @Test("line numbers are used only when the content names no device")
    func linesLast() {
        var index = LabelIndex(labels: [replayLabel(sealed: true)])
        #expect(index.match(RecordIdentity(), line: 31) == LabelIndex.Hit(label: 0, entry: 1))
        #expect(index.match(RecordIdentity(dev: "wr-000009"), line: 31) == nil)
    }

    @Test("a reject's input is read as an envelope, a record, or a record cut short")
    func identities() {
        let parser = WearCoreParser.make()
        let cut = Array(#"{"dev":"wr-000005","seq":500,"ts":1763700039900,"pad":"AAAA"#.utf8)
        #expect(RecordIdentity(input: cut, parser: parser) == RecordIdentity(dev: "wr-000005", seq: 500, ts: 1_763_700_039_900))
        let record = Array(#"{"dev":"wr-1","seq":2,"ts":3,"rx":4}"#.utf8)
        #expect(RecordIdentity(input: record, parser: parser) == RecordIdentity(dev: "wr-1", seq: 2, ts: 3, rx: 4))
        let token = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIiwia2lkIjoid3ItMDAwMDAyIn0..AAAA.Zm9v.AAAA"
        #expect(RecordIdentity(input: Array(token.utf8), parser: parser) == RecordIdentity(dev: "wr-000002"))
        let envelope = Array("{\"jwe\":\"\(token)\",\"rx\":77}".utf8)
        #expect(RecordIdentity(input: envelope, parser: parser) == RecordIdentity(dev: "wr-000002", rx: 77))
        #expect(RecordIdentity(input: Array("garbage".utf8), parser: parser).dev == nil)
    }
}

enum WearCoreParser {
    static func make() -> JSONParser { JSONParser(capacity: 1 << 16) }
}
