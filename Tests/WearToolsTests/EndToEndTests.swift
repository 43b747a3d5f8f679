import Foundation
import Testing
import WearTesting
import WearTools

@Suite("wear sim | wear-decrypt | wear eval")
struct EndToEndTests {
    @Test("decrypt rejects exactly the envelope attacks, and eval says so")
    func simThroughDecrypt() throws {
        let directory = try TemporaryDirectory()
        let wear = try Binaries.url(of: "wear").path
        let decrypt = try Binaries.url(of: "wear-decrypt").path
        let script = """
            "\(wear)" keys new --out m.key &&
            "\(wear)" sim --devices 40 --duration 3m --seed 9 --attacks all:0.5 --master-key m.key --labels l.ndjson > sim.ndjson &&
            "\(decrypt)" --master-key m.key --rejects d.rejects < sim.ndjson > out.ndjson 2> decrypt.err &&
            "\(wear)" eval --labels l.ndjson --decrypt-rejects d.rejects --scored out.ndjson --json
            """
        let result = try ProcessRun.shell(script, directory: directory.url)
        #expect(result.status == 0, "\(result.stderrText)")
        let labels = try EvalRunner.loadLabels(path: directory.file("l.ndjson").path)
        let envelopeAttacks = labels.filter { ["bad_key", "bit_flip", "unknown_device"].contains($0.attack) }
        let rejected = envelopeAttacks.reduce(0) { $0 + $1.count }
        #expect(rejected > 0)

        let simLines = try String(contentsOf: directory.file("sim.ndjson"), encoding: .utf8).split(separator: "\n").count
        let summary = try String(contentsOf: directory.file("decrypt.err"), encoding: .utf8)
        let outLines = try String(contentsOf: directory.file("out.ndjson"), encoding: .utf8).split(separator: "\n").count
        #expect(summary.contains("in=\(simLines) out=\(outLines) rejected=\(rejected) "))
        #expect(simLines == outLines + rejected)

        let report = try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any]
        let attacks = report?["attacks"] as? [[String: Any]] ?? []
        for row in attacks {
            let name = row["attack"] as? String ?? ""
            let caught = (row["caught"] as? [String: Any])?["decrypt"]
            let expected = envelopeAttacks.contains { $0.attack == name } ? JSONRead.int(row["injected"]) : 0
            #expect(JSONRead.int(caught) == expected, "\(name)")
        }
        let clean = (report?["false_positives"] as? [String: Any])?["decrypt"] as? [String: Any]
        #expect(JSONRead.int(clean?["count"]) == 0)
    }
}
