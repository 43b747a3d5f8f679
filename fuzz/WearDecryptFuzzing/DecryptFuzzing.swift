import WearCore
import WearDecrypt
import WearJOSE

/// The work of wear-decrypt's libFuzzer target (fuzz/wear-decrypt), shared
/// with the test that replays its corpus (WearDecryptTests/FuzzCorpusTests);
/// a target of its own, in no product, so it never ships in wear-decrypt.
/// One input is tried three ways, and every outcome is checked against the
/// stage's promises.
///
/// 1. as an input line (an envelope or a bare token);
/// 2. as a plaintext, sealed for device `wr-fuzz` (reaches the plaintext checks);
/// 3. as a protected header's JSON, sealed around a valid plaintext
///    (reaches the header checks with a correct tag).
public struct DecryptFuzzing {
    /// The fuzzing master key (not a secret: 32 bytes 0x00...0x1f).
    public static let master: MasterKey = {
        guard let key = try? MasterKey(bytes: Array(0..<32)) else { preconditionFailure("a 32-byte key") }
        return key
    }()

    private var stage: DecryptStage
    private let sealer: AESGCMCipher?
    private let iv: [UInt8] = Array(repeating: 7, count: 12)

    public init() {
        var configuration = DecryptConfiguration()
        configuration.fixedNow = 1_763_700_000_000
        configuration.contextCacheSize = 64
        configuration.keyCacheSize = 64
        guard let short = try? DeviceKey(bytes: Array(100..<116)) else { preconditionFailure("a 16-byte key") }
        stage = DecryptStage(configuration: configuration, keys: KeyRing(deviceKeys: ["wr-k128": short], master: Self.master))
        sealer = AESGCMCipher(key: Self.master.deviceKey(for: "wr-fuzz"), sealing: true)
    }

    /// Runs the three tries; returns the broken promises (empty when all hold).
    public mutating func run(_ input: [UInt8]) -> [String] {
        var problems: [String] = []
        problems += check(stage.process(line: input), kid: nil)
        let plaintextOutcome = stage.process(line: envelope(header: ProtectedHeader(enc: .a256gcm, kid: "wr-fuzz").json, plaintext: input))
        problems += check(plaintextOutcome, kid: "wr-fuzz")
        if case .rejected(let reason, _) = plaintextOutcome, reason != .badPlaintext, reason != .devMismatch,
           reason != .lineTooLongForAtomicWrite {
            problems.append("a correctly sealed plaintext was rejected as \(reason)")
        }
        problems += check(stage.process(line: envelope(header: input, plaintext: Array(#"{"dev":"wr-fuzz"}"#.utf8))), kid: nil)
        return problems
    }

    /// `{"jwe":"<token>","rx":1,"src":"fuzz"}` for `plaintext` sealed under `header`.
    private func envelope(header: [UInt8], plaintext: [UInt8]) -> [UInt8] {
        let encodedHeader = Base64URL.encodeBytes(header)
        guard let sealed = sealer?.seal(plaintext, iv: iv, aad: encodedHeader) else { return [] }
        var line = Array(#"{"jwe":""#.utf8) + encodedHeader
        line += Array("..".utf8) + Base64URL.encodeBytes(iv) + [UInt8(ascii: ".")] + Base64URL.encodeBytes(sealed.ciphertext)
        line += [UInt8(ascii: ".")] + Base64URL.encodeBytes(sealed.tag) + Array(#"","rx":1,"src":"fuzz"}"#.utf8)
        return line
    }

    /// An emitted line is one JSON object, on one line, without duplicate
    /// members, with a string `dev` (equal to `kid` when known); a reject
    /// has a snake_case reason.
    private func check(_ outcome: DecryptStage.LineOutcome, kid: String?) -> [String] {
        switch outcome {
        case .rejected(let reason, _):
            return RejectReason.isValid(reason.code) ? [] : ["invalid reason \(reason.code)"]
        case .emitted(let line):
            if line.contains(0x0A) || line.contains(0x0D) { return ["output spans lines"] }
            let parser = JSONParser(capacity: max(line.count, 64))
            guard case .success(let root) = parser.parse(copying: line) else { return ["output is not JSON"] }
            guard root.isObject, !root.hasDuplicateKeys else { return ["output is not an object with unique members"] }
            guard let dev = root["dev"]?.string else { return ["output has no string dev"] }
            if let kid, dev != kid { return ["output dev \(dev) is not the kid \(kid)"] }
            return root["sz"] == nil ? ["output has no sz"] : []
        }
    }
}
