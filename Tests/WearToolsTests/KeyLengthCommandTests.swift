import Foundation
import Testing
import WearCore
import WearJOSE
import WearTesting
import WearTools

/// Issue 7: the operator tool follows wear-decrypt's rule — a key's length
/// fixes its algorithm, derived keys are 32 bytes, A128GCM needs explicit keys.
@Suite("wear keys, seal and sim --enc")
struct KeyLengthCommandTests {
    static let refusal = "wear: error: A128GCM keys cannot be derived from the master key: HKDF gives 32-byte keys, which "
        + "open only A256GCM (keys are never truncated). Give A128GCM devices explicit 16-byte keys: "
        + "`wear keys new --enc A128GCM --devices FILE --out keys128.json`, then pass that file with --keys\n"

    private func wear(_ arguments: [String], in directory: TemporaryDirectory, input: String = "") throws -> ProcessResult {
        try ProcessRun.run(try Binaries.url(of: "wear"), arguments, input: Data(input.utf8), directory: directory.url)
    }

    @Test("keys new --enc A128GCM writes random 16-byte keys, mode 0600, for every device")
    func newDeviceKeys() throws {
        let directory = try TemporaryDirectory()
        #expect(try wear(["keys", "new", "--enc", "A128GCM", "--fleet", "3", "--out", "k.json"], in: directory).status == 0)
        let keys = try KeyFiles.loadKeys(path: directory.file("k.json").path, allowInsecure: false)
        #expect(keys.keys.sorted() == ["wr-000001", "wr-000002", "wr-000003"])
        #expect(keys.values.allSatisfy { $0.byteCount == 16 && $0.impliedEncryption == .a128gcm })
        #expect(Set(keys.values).count == 3)
        let again = try wear(["keys", "new", "--enc", "A128GCM", "--fleet", "3", "--out", "k.json"], in: directory)
        #expect(again.status == 74)
    }

    @Test("keys derive and export refuse A128GCM and say how to make 16-byte keys", arguments: ["derive", "export"])
    func deriveRefusesA128GCM(_ subcommand: String) throws {
        let directory = try TemporaryDirectory()
        #expect(try wear(["keys", "new", "--out", "m.key"], in: directory).status == 0)
        let arguments = subcommand == "derive"
            ? ["keys", "derive", "--master-key", "m.key", "--enc", "A128GCM", "wr-1"]
            : ["keys", "export", "--master-key", "m.key", "--enc", "A128GCM", "--fleet", "2", "--out", "k.json"]
        let result = try wear(arguments, in: directory)
        #expect(result.status == 64)
        #expect(result.stdoutText.isEmpty)
        #expect(result.stderrText.hasPrefix(Self.refusal))
    }

    @Test("seal --enc A128GCM seals with 16-byte keys and rejects a device whose key is 32 bytes")
    func sealRequiresFittingKeys() throws {
        let directory = try TemporaryDirectory()
        let short = DeviceKey.generate(.a128gcm), long = DeviceKey.generate(.a256gcm)
        try KeyFiles.writePrivate(Array(#"{"wr-1":"\#(short.base64URL)","wr-2":"\#(long.base64URL)"}"#.utf8),
                                  to: directory.file("k.json").path, overwrite: false)
        let input = "{\"dev\":\"wr-1\",\"seq\":1}\n{\"dev\":\"wr-2\",\"seq\":1}\n"
        let result = try wear(["seal", "--keys", "k.json", "--enc", "A128GCM", "--rejects", "r.ndjson"], in: directory, input: input)
        #expect(result.status == 0)
        #expect(result.stdoutLines.count == 1)
        let token = try #require(result.stdoutLines.first?.split(separator: "\"").dropFirst(3).first.map(String.init))
        #expect(try JWE.header(of: token).get().enc == .a128gcm)
        #expect(try JWE.open(token) { _ in short }.get().plaintext == Array(#"{"dev":"wr-1","seq":1}"#.utf8))
        let rejects = try String(contentsOf: directory.file("r.ndjson"), encoding: .utf8)
        #expect(rejects.contains(#""reason":"key_length_mismatch","line":2,"detail":"the key of this device is 32 bytes, which seals only A256GCM; --enc A128GCM needs 16""#))
        #expect(result.stderrText.contains("in=2 out=1 rejected=1"))
    }

    @Test("seal and sim refuse --enc A128GCM with --master-key", arguments: ["seal", "sim"])
    func masterKeyCannotSealA128GCM(_ command: String) throws {
        let directory = try TemporaryDirectory()
        #expect(try wear(["keys", "new", "--out", "m.key"], in: directory).status == 0)
        let result = try wear([command, "--master-key", "m.key", "--enc", "A128GCM"], in: directory)
        #expect(result.status == 64)
        #expect(result.stderrText.contains("--enc A128GCM needs 16-byte keys from --keys: keys derived from --master-key are 32 bytes and seal only A256GCM"))
    }
}
