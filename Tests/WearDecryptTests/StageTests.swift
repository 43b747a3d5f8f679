import Testing
import WearCore
import WearDecrypt
import WearJOSE

/// The stage's per-line work in process (the runner's part is covered by
/// the golden and end-to-end tests).
@Suite struct StageTests {
    let master = MasterKey.generate()

    private func stage(_ keys: KeyRing? = nil) -> DecryptStage {
        var configuration = DecryptConfiguration()
        configuration.fixedNow = 42
        return DecryptStage(configuration: configuration, keys: keys ?? KeyRing(master: master))
    }

    private func token(_ plaintext: String, kid: String = "wr-1", key: DeviceKey? = nil, enc: ContentEncryption = .a256gcm) -> String {
        JWE.seal(Array(plaintext.utf8), kid: kid, key: key ?? master.deviceKey(for: kid), enc: enc)
    }

    private func run(_ line: String, _ stage: inout DecryptStage) -> DecryptStage.LineOutcome {
        stage.process(line: Array(line.utf8))
    }

    @Test(arguments: [
        (#"{"jwe":"TOKEN","rx":7}"#, #"{"dev":"wr-1","hr":70,"rx":7,"sz":SZ}"#),
        (#"{"jwe":"TOKEN"}"#, #"{"dev":"wr-1","hr":70,"rx":42,"sz":SZ}"#),
        (#"TOKEN"#, #"{"dev":"wr-1","hr":70,"rx":42,"sz":SZ}"#),
        (#"{"src":"a","jwe":"TOKEN","rx":7,"n":[1,{"x":null}]}"#, #"{"dev":"wr-1","hr":70,"rx":7,"sz":SZ,"meta":{"src":"a","n":[1,{"x":null}]}}"#),
        (#"{"jwe":"TOKEN","rx":"late","dev":"spoofed"}"#, #"{"dev":"wr-1","hr":70,"rx":42,"sz":SZ,"meta":{"rx":"late","dev":"spoofed"}}"#),
    ])
    func appendsRxSzAndMetaToThePlaintextBytes(_ template: String, _ expected: String) {
        var stage = stage()
        let line = template.replacingOccurrences(of: "TOKEN", with: token(#"{"dev":"wr-1","hr":70}"#))
        let want = expected.replacingOccurrences(of: "SZ", with: String(line.utf8.count))
        #expect(run(line, &stage) == .emitted(Array(want.utf8)))
    }

    @Test func plaintextMembersWinOverTheStagesOwn() {
        var stage = stage()
        let line = #"{"jwe":"\#(token(#"{"dev":"wr-1","rx":1,"sz":2,"meta":3}"#))","rx":9,"src":"x"}"#
        #expect(run(line, &stage) == .emitted(Array(#"{"dev":"wr-1","rx":1,"sz":2,"meta":3}"#.utf8)))
    }

    @Test(arguments: [
        (#"{"jwe":1}"#, "bad_jwe"), (#"{"x":1}"#, "bad_jwe"), ("[1]", "not_object"), ("{", "bad_json"),
        ("a.b.c.d.e", "bad_jwe"), (#"{"a":1,"a":2}"#, "duplicate_key"),
    ])
    func rejectsLinesWithoutAUsableToken(_ line: String, _ reason: String) {
        var stage = stage()
        guard case .rejected(let got, _) = run(line, &stage) else {
            Issue.record("emitted \(line)")
            return
        }
        #expect(got.code == reason)
    }

    @Test func rejectsAPlaintextWhoseDevIsNotTheKid() {
        var stage = stage()
        #expect(run(token(#"{"dev":"wr-2"}"#), &stage)
                == .rejected(.devMismatch, detail: #"plaintext dev "wr-2" differs from the header kid "wr-1""#))
    }

    @Test func decryptsA128GCMWithAnExplicitSixteenByteKey() {
        let short = DeviceKey.generate(.a128gcm)
        var stage = stage(KeyRing(deviceKeys: ["wr-7": short], master: master))
        guard case .emitted = run(token(#"{"dev":"wr-7"}"#, kid: "wr-7", key: short, enc: .a128gcm), &stage) else {
            Issue.record("A128GCM token not opened")
            return
        }
    }

    /// The downgrade of issue 7: A128GCM claimed for a derived key, sealed with its first 16 bytes.
    @Test func rejectsA128GCMForADerivedKeyAsAKeyLengthMismatch() throws {
        var stage = stage()
        let derived = try #require(Base64URL.decodeLenient(master.deviceKey(for: "wr-1").base64URL))
        let short = try DeviceKey(bytes: Array(derived.prefix(16)))
        let detail = "the key of this kid is derived from --master-key (32 bytes), which opens only A256GCM; "
            + "the token says A128GCM, which needs an explicit 16-byte key in --keys"
        #expect(run(token(#"{"dev":"wr-1"}"#, key: short, enc: .a128gcm), &stage) == .rejected(.keyLengthMismatch, detail: detail))
    }

    @Test func reloadKeepsTheKeysWhenTheFilesAreInvalid() {
        var configuration = DecryptConfiguration(keysPath: "/nonexistent/keys.json")
        configuration.fixedNow = 42
        var stage = DecryptStage(configuration: configuration, keys: KeyRing(master: master))
        #expect(throws: StageFailure.self) { try stage.reload() }
        guard case .emitted = run(token(#"{"dev":"wr-1"}"#), &stage) else {
            Issue.record("the old keys were dropped")
            return
        }
        #expect(stage.metrics().contains { $0.name == "wear_decrypt_key_reloads_total" && $0.samples.contains { $0.value == 1 } })
    }
}

/// `meta.src` from the PROXY protocol header (`setConnection`): first in
/// `meta`, never the envelope's own, on every record of the connection.
@Suite struct ConnectionMetaTests {
    let master = MasterKey.generate()

    private func stage(_ command: ProxyHeader.Command) -> DecryptStage {
        var configuration = DecryptConfiguration()
        configuration.fixedNow = 42
        var stage = DecryptStage(configuration: configuration, keys: KeyRing(master: master))
        stage.setConnection(ProxyHeader(version: 1, command: command))
        return stage
    }

    private static let client = ProxyHeader.Command.proxy(source: ProxyAddress(family: .tcp4, host: "127.0.0.1", port: 40718),
                                                          destination: ProxyAddress(family: .tcp4, host: "127.0.0.1", port: 8443))

    private func token(_ plaintext: String) -> String {
        JWE.seal(Array(plaintext.utf8), kid: "wr-1", key: master.deviceKey(for: "wr-1"), enc: .a256gcm)
    }

    @Test(arguments: [
        (#"{"jwe":"TOKEN","rx":7}"#, #"{"dev":"wr-1","rx":7,"sz":SZ,"meta":{"src":"127.0.0.1","src_port":40718}}"#),
        (#"TOKEN"#, #"{"dev":"wr-1","rx":42,"sz":SZ,"meta":{"src":"127.0.0.1","src_port":40718}}"#),
        (#"{"src":"10.9.9.9","jwe":"TOKEN","src_port":1,"gw":"g7"}"#,
         #"{"dev":"wr-1","rx":42,"sz":SZ,"meta":{"src":"127.0.0.1","src_port":40718,"gw":"g7"}}"#),
    ])
    func theHeadersAddressIsMetaSrcAndTheEnvelopesIsDropped(_ template: String, _ expected: String) {
        var stage = stage(Self.client)
        let line = template.replacingOccurrences(of: "TOKEN", with: token(#"{"dev":"wr-1"}"#))
        let want = expected.replacingOccurrences(of: "SZ", with: String(line.utf8.count))
        #expect(stage.process(line: Array(line.utf8)) == .emitted(Array(want.utf8)))
    }

    @Test func aLocalHeaderGivesNoSrcAndStillDropsTheEnvelopes() {
        var stage = stage(.local)
        let bare = token(#"{"dev":"wr-1"}"#)
        let line = #"{"jwe":"\#(bare)","src":"10.9.9.9","gw":"g7"}"#
        #expect(stage.process(line: Array(line.utf8))
                == .emitted(Array(#"{"dev":"wr-1","rx":42,"sz":\#(line.utf8.count),"meta":{"gw":"g7"}}"#.utf8)))
        #expect(stage.process(line: Array(bare.utf8)) == .emitted(Array(#"{"dev":"wr-1","rx":42,"sz":\#(bare.utf8.count)}"#.utf8)))
    }

    @Test func aPlaintextWithItsOwnMetaIsRejected() {
        var stage = stage(Self.client)
        let line = token(#"{"dev":"wr-1","meta":{"src":"6.6.6.6"}}"#)
        #expect(stage.process(line: Array(line.utf8))
                == .rejected(.plaintextMeta, detail: #"the plaintext has a "meta" member, which --proxy-protocol reserves for the connection's address"#))
    }
}
