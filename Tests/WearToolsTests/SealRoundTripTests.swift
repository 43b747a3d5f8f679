import Foundation
import Testing
import WearCore
import WearJOSE
import WearTesting
import WearTools

@Suite("Seal round trip")
struct SealRoundTripTests {
    @Test("every sealed envelope opens with the device's key to the plaintext run's record", arguments: ContentEncryption.allCases)
    func simulatorEnvelopesOpen(enc: ContentEncryption) throws {
        var sealedConfig = try SimSupport.config(devices: 6, duration: 20_000, plain: false)
        sealedConfig.enc = enc
        let sealed = try SimSupport.run(sealedConfig)
        let plain = try SimSupport.run(try SimSupport.config(devices: 6, duration: 20_000))
        #expect(sealed.lines.count == plain.lines.count)
        for (envelope, record) in zip(sealed.lines, plain.lines) {
            let object = try SimSupport.object(envelope)
            #expect(Set(object.keys) == ["jwe", "rx"])
            let token = object["jwe"] as? String ?? ""
            let header = try JWE.header(of: token).get()
            #expect(header.enc == enc)
            let opened = try JWE.open(token) { try? SimSupport.key(for: $0.kid, enc: enc, devices: 6) }.get()
            #expect(opened.plaintext == record)
            #expect(header.kid == (try SimSupport.object(record))["dev"] as? String)
        }
    }

    @Test("SealStage seals each record for its dev, rejects records it cannot seal")
    func sealStage() throws {
        let master = try SimSupport.masterKey()
        let input = """
            {"dev":"wr-000042","seq":1,"ts":1763700000123,"hr":72}
            {"seq":2}
            {"dev":"","seq":3}
            {"dev":"wr-000043","seq":4,"ts":1763700000999,"hr":61}

            """
        let result = try runSeal(input, arguments: { directory in
            let keyPath = directory.file("master.key").path
            try KeyFiles.writePrivate(Array((master.hexText + "\n").utf8), to: keyPath, overwrite: false)
            return ["seal", "--master-key", keyPath]
        })
        #expect(result.status == 0)
        let lines = result.stdoutLines
        #expect(lines.count == 2)
        let expected = input.split(separator: "\n").map(String.init)
        for (line, original) in zip(lines, [expected[0], expected[3]]) {
            let object = try SimSupport.object(Array(line.utf8))
            let token = object["jwe"] as? String ?? ""
            let opened = try JWE.open(token) { master.deviceKey(for: $0.kid) }.get()
            #expect(String(decoding: opened.plaintext, as: UTF8.self) == original)
        }
        #expect(result.stderrText.contains("in=4 out=2 rejected=2"))
    }

    private func runSeal(_ input: String, arguments: (TemporaryDirectory) throws -> [String]) throws -> ProcessResult {
        let directory = try TemporaryDirectory()
        return try ProcessRun.run(try Binaries.url(of: "wear"), try arguments(directory), input: Data(input.utf8))
    }

    @Test("JWESealer writes tokens JWE.open reads")
    func sealerMatchesReference() throws {
        let key = try SimSupport.masterKey().deviceKey(for: "wr-000007")
        let sealer = try #require(JWESealer(kid: "wr-000007", key: key, enc: .a256gcm))
        let plaintext = Array(#"{"dev":"wr-000007","seq":9}"#.utf8)
        var token: [UInt8] = []
        let iv: [UInt8] = Array(0..<12)
        #expect(plaintext.withUnsafeBytes { sealer.seal($0, iv: iv, appendingTo: &token) })
        let reference = JWE.seal(plaintext, kid: "wr-000007", key: key, enc: .a256gcm, iv: iv)
        #expect(String(decoding: token, as: UTF8.self) == reference)
        let opened = try JWE.open(reference) { _ in key }.get()
        #expect(opened.plaintext == plaintext)
    }
}
