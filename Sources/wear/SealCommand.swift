import ArgumentParser
import WearCLI
import WearCore
import WearJOSE
import WearTools

struct SealCommand: ParsableCommand, CheckedArguments {
    static let configuration = CommandConfiguration(
        commandName: "seal",
        abstract: "Seal plaintext telemetry into JWE envelopes, as a device or gateway does.",
        discussion: """
            Each input record (a JSON object with a string "dev") becomes one line
            {"jwe":"<compact JWE>"}: alg dir, kid = dev, a random IV, the record's
            bytes exactly as read as plaintext. The key fixes the algorithm: keys
            derived from --master-key are 32 bytes and seal A256GCM; in --keys
            (keys.json) a 32-byte key seals A256GCM and a 16-byte key A128GCM.
            --enc A128GCM requires 16-byte keys from --keys (make them with
            `wear keys new --enc A128GCM`); a device whose key does not fit --enc is
            rejected. Rejects: missing_dev, bad_dev, unknown_device,
            key_length_mismatch (see --rejects).

            Examples:
              wear sim --plain --devices 10 | wear seal --master-key master.key
              echo '{"dev":"wr-000042","seq":1,"ts":1763700000123}' \\
                | wear seal --keys keys.json
              wear keys new --enc A128GCM --fleet 10 --out keys128.json
              wear sim --plain --devices 10 \\
                | wear seal --keys keys128.json --enc A128GCM
            """
    )

    @OptionGroup var keyFiles: KeyFileOptions

    @Option(help: ArgumentHelp("Require A256GCM or A128GCM (A128GCM: 16-byte keys from --keys only).", valueName: "enc"))
    var enc: String?

    @OptionGroup var common: CommonOptions

    func check() throws {
        guard (keyFiles.masterKey == nil) != (keyFiles.keys == nil) else {
            throw ValidationError("give exactly one of --master-key FILE and --keys FILE")
        }
        if let enc {
            guard let value = ContentEncryption(rawValue: enc.uppercased()) else {
                throw ValidationError("--enc must be A256GCM or A128GCM, found '\(enc)'")
            }
            if keyFiles.masterKey != nil, value != .a256gcm {
                throw ValidationError("--enc \(value.rawValue) needs 16-byte keys from --keys: keys derived from --master-key "
                                      + "are 32 bytes and seal only A256GCM; make them with "
                                      + "`wear keys new --enc A128GCM --devices FILE --out keys128.json`")
            }
        }
    }

    func run() throws {
        StageMain.run(common) { _ in
            if let keys = keyFiles.keys {
                let table = try KeyFiles.loadKeys(path: keys, allowInsecure: keyFiles.allowInsecureKeyFile)
                return SealStage(keys: .table(table, required: enc.flatMap { ContentEncryption(rawValue: $0.uppercased()) }))
            }
            let master = try KeyFiles.loadMasterKey(path: keyFiles.masterKey ?? "", allowInsecure: keyFiles.allowInsecureKeyFile)
            return SealStage(keys: .master(master))
        }
    }
}
